"""Archive services (state changes). Each is keyword-only, atomic and audited."""
