#!/usr/bin/env python
from caretime.cli import main

if __name__ == "__main__":
    main()
