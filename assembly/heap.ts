// The first byte the library may use: everything from here up is the TypeScript side's arena
// (src/backend/heap.ts). Kernels never allocate.
export function heap_base(): usize {
  return __heap_base;
}

// n floats at ptr set to zero (JavaScript's fill is several times slower on shared memory).
export function zero_fill(ptr: usize, n: i32): void {
  memory.fill(ptr, 0, <usize>n << 2);
}

// n floats from src to dst (the regions may overlap), as memmove.
export function copy_floats(dst: usize, src: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 2);
}
