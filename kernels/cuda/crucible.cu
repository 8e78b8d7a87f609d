// Crucible device kernels, CUDA entry point: the CUDA spelling of the dialect macros, then the shared kernel
// bodies of kernels/common. Built by scripts/build-kernels into native/cuda (cubins per architecture and PTX) with
// --fmad=false -prec-div=true -prec-sqrt=true -ftz=false: binary32 arithmetic as Java performs it
// (numerics-and-gpu.md §3). Every kernel is extern "C", so cuModuleGetFunction finds it by its plain name.

typedef long long i64;
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

// Every launch uses groups of exactly 256 items (kernels.md), which __launch_bounds__ lets the compiler rely on.
#define KERNEL extern "C" __global__ void __launch_bounds__(256)
#define INLINE static __device__ inline
#define G
#define L
#define LOCAL __shared__
#define BARRIER() __syncthreads()
#define GROUP_ID() ((i64)blockIdx.x)
#define LOCAL_ID() ((int)threadIdx.x)
#define ATOMIC_INC(p) atomicAdd((p), 1u)
#define ATOMIC_ADD(p, v) atomicAdd((p), (v))
#define MULHI(a, b) __umulhi((a), (b))
#define AS_UINT(f) __float_as_uint(f)
#define AS_FLOAT(u) __uint_as_float(u)
#define DIV(a, b) ((a) / (b))

#include "../common/numbers.h"
#include "../common/philox.h"
#include "../common/group.h"
#include "../common/conversions.h"
#include "../common/elementwise.h"
#include "../common/selection.h"
#include "../common/reduction.h"
