// Shared test fixtures and helpers (gradcheck, tiny graphs, layer contracts).
export {};
