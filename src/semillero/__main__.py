from semillero.cli import main

main()
