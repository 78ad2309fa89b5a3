import sys

from lienthong.demo import main

sys.exit(main())
