import sys

from zhenggai.cli import main

sys.exit(main())
