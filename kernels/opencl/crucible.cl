#pragma OPENCL FP_CONTRACT OFF
#pragma OPENCL EXTENSION cl_khr_fp64 : enable

// Crucible device kernels, OpenCL C 1.2 entry point: the OpenCL spelling of the dialect macros, then the shared
// kernel bodies of kernels/common. FP_CONTRACT OFF keeps a*b + c two roundings, as in Java (numerics-and-gpu.md §3);
// binary64 (cl_khr_fp64) carries the reductions and the correctly rounded division below. The Java loader expands
// the #include lines itself, relative to this file.

typedef long i64;
typedef ulong u64;
typedef uint u32;
typedef ushort u16;
typedef uchar u8;

// Every launch uses groups of exactly 256 items (kernels.md).
#define KERNEL __kernel __attribute__((reqd_work_group_size(256, 1, 1))) void
#define INLINE static inline
#define G __global
#define L __local
#define LOCAL __local
#define BARRIER() barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE)
#define GROUP_ID() ((i64)get_group_id(0))
#define LOCAL_ID() ((int)get_local_id(0))
#define ATOMIC_INC(p) atomic_inc(p)
#define ATOMIC_ADD(p, v) atomic_add((p), (v))
#define MULHI(a, b) mul_hi((a), (b))
#define AS_UINT(f) as_uint(f)
#define AS_FLOAT(u) as_float(u)
// OpenCL allows 2.5 ulp for binary32 '/' by default. Where the device offers correctly rounded division the host
// builds with -cl-fp32-correctly-rounded-divide-sqrt and defines CRUCIBLE_EXACT_DIVISION; elsewhere the binary64
// quotient rounded once to binary32 is the correctly rounded binary32 quotient (53 >= 2*24 + 2 bits, so the double
// rounding is innocuous).
#ifdef CRUCIBLE_EXACT_DIVISION
#define DIV(a, b) ((a) / (b))
#else
#define DIV(a, b) ((float)((double)(a) / (double)(b)))
#endif

#include "../common/numbers.h"
#include "../common/philox.h"
#include "../common/group.h"
#include "../common/conversions.h"
#include "../common/elementwise.h"
#include "../common/selection.h"
#include "../common/reduction.h"
