from specmock.cli import main

main()
