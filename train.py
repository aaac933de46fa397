"""Train newsml's topic classifier: `python train.py [--data PATH]`.

With no arguments it trains on the embedded corpus and writes topics.skops and
its model card topics.json to the model folder. See `python train.py --help`.
"""

import sys

from newsml.training import main

if __name__ == "__main__":
    sys.exit(main())
