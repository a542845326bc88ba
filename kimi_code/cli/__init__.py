"""Terminal adapter: `kimi-code` subcommands render core results with rich."""
