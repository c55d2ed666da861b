"""`python -m analyzer` runs the fbscopes command line."""

from analyzer.cli import main

if __name__ == "__main__":
    main()
