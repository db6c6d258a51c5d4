/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the protocol engine needs from its environment, so the same source
 * compiles in the kernel and in userspace unit tests and fuzzers.
 */
#ifndef _VFCB_COMPAT_H
#define _VFCB_COMPAT_H

#ifdef __KERNEL__
#include <linux/bits.h>
#include <linux/build_bug.h>	/* static_assert() */
#include <linux/errno.h>
#include <linux/kernel.h>	/* min(), DIV_ROUND_UP() */
#include <linux/string.h>
#include <linux/types.h>
#else
#include <assert.h>	/* static_assert() */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#ifndef BIT
#define BIT(n)		(1u << (n))
#endif
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The engine only needs these on u32: functions, not macros. */
static inline u32 vfcb_div_round_up(u32 n, u32 d) { return (n + d - 1) / d; }
static inline u32 vfcb_min_u32(u32 a, u32 b) { return a < b ? a : b; }
#define DIV_ROUND_UP(n, d)	vfcb_div_round_up(n, d)
#define min_t(type, a, b)	vfcb_min_u32(a, b)
#endif /* __KERNEL__ */

#endif /* _VFCB_COMPAT_H */
