"""LSP handler groups (adapter layer); each module exposes `register(server)`."""
