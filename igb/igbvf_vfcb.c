// SPDX-License-Identifier: GPL-2.0
#include "igbvf_vfcb.h"
