from clusterlab.cli import main

raise SystemExit(main())
