from newsmon.cli import main

if __name__ == "__main__":  # worker processes are spawned: they re-import this module
    main()
