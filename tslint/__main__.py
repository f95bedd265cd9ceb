from tslint.cli import main

raise SystemExit(main())
