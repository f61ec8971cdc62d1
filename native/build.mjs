// placeholder: replaced by the real addon build (issue 2)
console.log('hgrec: native addon not built yet; using TypeScript kernels');
