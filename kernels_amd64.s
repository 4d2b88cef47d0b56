//go:build !purego

#include "textflag.h"

// The AVX-512 kernels of kernels_amd64.go. Each adds in the order of the
// Go loops of kernels.go and never fuses a multiply with an add, so both
// give the same bits.

// ARGS loads the arguments of the sumRows kernels: dst in DI, src in SI,
// w in DX, the row stride in bytes in R8, on in BX and its length in CX.
#define ARGS \
	MOVQ dst+0(FP), DI; MOVQ src+8(FP), SI; MOVQ w+16(FP), DX; \
	MOVQ stride+24(FP), R8; SHLQ $3, R8; MOVQ on+32(FP), BX; MOVQ n+40(FP), CX

// ROWS adds each listed row, with add, which adds the row at AX into the
// sums' registers, loads folded into the additions.
#define ROWS(loop, done, add) \
	TESTQ CX, CX; JZ done; \
loop: \
	MOVLQSX (BX), AX; IMULQ R8, AX; ADDQ DX, AX; \
	add; \
	ADDQ $4, BX; DECQ CX; JNZ loop; \
done:

// LOADn and STOREn move the first n columns of src into the sums'
// registers, and the sums into dst; ADDn adds the row at AX.
#define LOAD64 VMOVUPD 0(SI), Z0; VMOVUPD 64(SI), Z1; VMOVUPD 128(SI), Z2; VMOVUPD 192(SI), Z3; VMOVUPD 256(SI), Z4; VMOVUPD 320(SI), Z5; VMOVUPD 384(SI), Z6; VMOVUPD 448(SI), Z7
#define STORE64 VMOVUPD Z0, 0(DI); VMOVUPD Z1, 64(DI); VMOVUPD Z2, 128(DI); VMOVUPD Z3, 192(DI); VMOVUPD Z4, 256(DI); VMOVUPD Z5, 320(DI); VMOVUPD Z6, 384(DI); VMOVUPD Z7, 448(DI)
#define LOAD72 LOAD64; VMOVUPD 512(SI), Z8
#define STORE72 STORE64; VMOVUPD Z8, 512(DI)
#define LOAD80 LOAD72; VMOVUPD 576(SI), Z9
#define STORE80 STORE72; VMOVUPD Z9, 576(DI)
#define LOAD32 VMOVUPD 0(SI), Z0; VMOVUPD 64(SI), Z1; VMOVUPD 128(SI), Z2; VMOVUPD 192(SI), Z3
#define STORE32 VMOVUPD Z0, 0(DI); VMOVUPD Z1, 64(DI); VMOVUPD Z2, 128(DI); VMOVUPD Z3, 192(DI)

// SUMROWS is the body of a sumRows kernel: the sums start from src, take
// every listed row, and go to dst.
#define SUMROWS(load, add, store, loop, done) \
	ARGS; load; ROWS(loop, done, add); store; VZEROUPPER; RET

// func sumRows64(dst, src, w *float64, stride int, on *int32, n int)
// dst[0:64] = src[0:64] + Σ_{k<n} w[on[k]·stride : +64], the sums in eight
// ZMM registers.
TEXT ·sumRows64(SB), NOSPLIT, $0-48
#define ADD64 VADDPD 0(AX), Z0, Z0; VADDPD 64(AX), Z1, Z1; VADDPD 128(AX), Z2, Z2; VADDPD 192(AX), Z3, Z3; VADDPD 256(AX), Z4, Z4; VADDPD 320(AX), Z5, Z5; VADDPD 384(AX), Z6, Z6; VADDPD 448(AX), Z7, Z7
	SUMROWS(LOAD64, ADD64, STORE64, loop64, done64)

// func sumRows72(dst, src, w *float64, stride int, on *int32, n int)
// sumRows64 with the 8 columns after: a layer's last few columns share its
// last chunk's loop instead of a loop of their own, which one addition's
// latency would bind.
TEXT ·sumRows72(SB), NOSPLIT, $0-48
#define ADD72 ADD64; VADDPD 512(AX), Z8, Z8
	SUMROWS(LOAD72, ADD72, STORE72, loop72, done72)

// func sumRows80(dst, src, w *float64, stride int, on *int32, n int)
// sumRows64 with the 16 columns after.
TEXT ·sumRows80(SB), NOSPLIT, $0-48
#define ADD80 ADD72; VADDPD 576(AX), Z9, Z9
	SUMROWS(LOAD80, ADD80, STORE80, loop80, done80)

// func sumRows32(dst, src, w *float64, stride int, on *int32, n int)
// dst[0:32] = src[0:32] + Σ_{k<n} w[on[k]·stride : +32].
TEXT ·sumRows32(SB), NOSPLIT, $0-48
#define ADD32 VADDPD 0(AX), Z0, Z0; VADDPD 64(AX), Z1, Z1; VADDPD 128(AX), Z2, Z2; VADDPD 192(AX), Z3, Z3
	SUMROWS(LOAD32, ADD32, STORE32, loop32, done32)

// func sumRows8(dst, src, w *float64, stride int, on *int32, n int)
// dst[0:8] = src[0:8] + Σ_{k<n} w[on[k]·stride : +8].
TEXT ·sumRows8(SB), NOSPLIT, $0-48
	ARGS
	VMOVUPD 0(SI), Z0
#define ADD8 VADDPD 0(AX), Z0, Z0
	ROWS(loop8, done8, ADD8)
	VMOVUPD Z0, 0(DI)
	VZEROUPPER
	RET

// func addScaled8(w, x *float64, e float64, n int)
// w[i] += e·x[i] for i < n, n a multiple of 8: a product, then a sum.
TEXT ·addScaled8(SB), NOSPLIT, $0-32
	MOVQ w+0(FP), DI
	MOVQ x+8(FP), SI
	VBROADCASTSD e+16(FP), Z31
	MOVQ n+24(FP), CX
	SHRQ $3, CX

loopAS:
	VMULPD (SI), Z31, Z1
	VADDPD (DI), Z1, Z1
	VMOVUPD Z1, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNZ loopAS
	VZEROUPPER
	RET

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET
