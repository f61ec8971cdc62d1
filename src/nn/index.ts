// Layers built from tensor ops (basic: linear, MLP, activations; graph convs live beside them).
export { Linear, type LinearOpts } from './linear.ts';
export { Mlp, type MlpOpts } from './mlp.ts';
export { activate, rowDot, type Activation } from './activations.ts';
export { SageConv, type SourceRows, type NeighbourCsr } from './sage_conv.ts';
export { HeteroConv, type HeteroRelation } from './hetero_conv.ts';
