from frontwatch.faces.cli import main

main()
