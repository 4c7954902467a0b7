// The first byte the library may use: everything from here up is the TypeScript side's arena
// (src/backend/heap.ts). Kernels never allocate.
export function heap_base(): usize {
  return __heap_base;
}
