from compositor.cli import main

main()
