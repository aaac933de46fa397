"""Train newsml's topic classifier: `python train.py [--data PATH]`.

With no arguments it trains on the embedded corpus and writes models/topics.joblib
and its model card. See `python train.py --help`.
"""

import sys

from newsml.training import main

if __name__ == "__main__":
    sys.exit(main())
