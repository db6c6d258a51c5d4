/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the protocol engine needs from its environment, so the same source
 * compiles in the kernel and in userspace unit tests and fuzzers.
 */
#ifndef _VFCB_COMPAT_H
#define _VFCB_COMPAT_H

#ifdef __KERNEL__
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>	/* min(), DIV_ROUND_UP() */
#include <linux/string.h>
#include <linux/types.h>
#else
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
#define BIT_ULL(n)	(1ull << (n))
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define min(a, b)	((a) < (b) ? (a) : (b))
#endif /* __KERNEL__ */

#endif /* _VFCB_COMPAT_H */
