// SPDX-License-Identifier: GPL-2.0
/*
 * The vfcb protocol engine, compiled into vfcb_pf.ko.  The same source is
 * compiled unchanged into vfcb_vf.ko and into the userspace tests.
 */
#include "../engine/vfcb_proto.c"
