/* SPDX-License-Identifier: GPL-2.0 */
/* kshim: tracepoints are no-ops (../kshim.h); nothing to define. */
