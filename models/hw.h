/* hw.h -- hardware catalog entries as plain data: GPUs, scale-up domains, NICs,
 * nodes, fabrics (link types), switches and storage systems.
 *
 * Invariant: every figure is in base SI units named in the field (bytes, bytes/s,
 * bits/s, FLOP/s, watts, ns, USD); 0 means "not stated" and every entry carries the
 * source text it was taken from. scenarios/ fills these; models/ only reads them. */
#ifndef CAPSIM_HW_H
#define CAPSIM_HW_H

#include <stddef.h>

#define HW_ID_LEN 64
#define HW_SOURCE_LEN 1024

/* Numeric precisions a tensor core may run. Order is stable: it indexes arrays. */
typedef enum {
	DT_FP64, DT_FP32, DT_TF32, DT_FP16, DT_BF16, DT_FP8, DT_FP4, DT_COUNT
} hw_dtype;

/* Returns the dtype named by `name` ("bf16", "fp8", ...) or -1. */
int hw_dtype_parse(const char *name);
/* Returns the lower-case name of `dt`. */
const char *hw_dtype_name(hw_dtype dt);
/* Bytes per element of `dt` (FP4 is 0.5). */
double hw_dtype_bytes(hw_dtype dt);

typedef struct {
	char id[HW_ID_LEN];
	double memory_B;          /* usable device memory */
	double mem_bw_Bps;        /* peak HBM/GDDR bandwidth */
	double tdp_w, idle_w;
	double price_usd;         /* 0 when no price is stated */
	double peak_flops[DT_COUNT]; /* dense tensor peak; 0 = unsupported */
	int unified_memory;       /* 1 for GB10-class shared CPU/GPU memory */
	char source[HW_SOURCE_LEN];
	int line;                 /* line in the catalog file */
	char file[256];
	int price_list;            /* 1: price is a list price; 0: an estimate (price-kind) */
} hw_gpu;

typedef enum { SCALEUP_NVSWITCH, SCALEUP_NVLINK_P2P, SCALEUP_PCIE, SCALEUP_XGMI, SCALEUP_NONE } hw_scaleup_kind;

/* A scale-up domain: the GPUs that talk without a NIC. */
typedef struct {
	char id[HW_ID_LEN];
	hw_scaleup_kind kind;
	double bw_Bps;            /* per GPU, per direction */
	double latency_ns;        /* one hop, GPU to GPU */
	int domain_gpus;          /* GPUs in one domain (8 for HGX, 72 for NVL72) */
	int multicast;            /* 1: NVSwitch with in-switch reduction (NVLS) */
	char source[HW_SOURCE_LEN];
} hw_scaleup;

typedef struct {
	char id[HW_ID_LEN];
	double rate_bps;          /* line rate, bits/s */
	double power_w, price_usd;
	char source[HW_SOURCE_LEN];
	int price_list;            /* 1: price is a list price; 0: an estimate (price-kind) */
} hw_nic;

typedef struct {
	char id[HW_ID_LEN];
	char gpu[HW_ID_LEN];
	int gpus;
	char scaleup[HW_ID_LEN];
	int nics;                 /* scale-out NICs (one per rail) */
	char nic[HW_ID_LEN];
	double pcie_bw_Bps;       /* host-device bandwidth per GPU, per direction */
	/* The host's PCIe tree, for GPUs whose scale-up is PCIe: GPUs and NICs spread
	 * evenly over `sockets` CPUs (host bridges), under `pcie_switches` switches
	 * (0: on the CPUs' root ports) whose uplinks run at pcie_bw_Bps; sockets talk
	 * over socket_link_Bps per direction (UPI, xGMI). */
	int sockets;              /* 0 in the catalog means 1 */
	int pcie_switches;
	double socket_link_Bps;
	double coll_overhead_ns;  /* fixed cost added to every collective (measured on
	                           * some virtual machines); 0 = none */
	int nic_via_host;         /* 1: NCCL reaches the NICs only through the host bridge
	                           * (not a PCIe switch shared with the GPU), as with
	                           * virtual functions in pods: no LL128 across nodes */
	double host_power_w;      /* CPUs, memory, fans, not GPUs */
	double max_power_w;       /* stated maximum system power, 0 if none */
	double price_usd;
	int rack_units;
	char source[HW_SOURCE_LEN];
	int price_list;            /* 1: price is a list price; 0: an estimate (price-kind) */
} hw_node;

typedef enum { FABRIC_INFINIBAND, FABRIC_ROCE, FABRIC_ETHERNET } hw_fabric_kind;

/* A link type of the scale-out or front-end network. */
typedef struct {
	char id[HW_ID_LEN];
	hw_fabric_kind kind;
	double rate_bps;          /* per port */
	double latency_ns;        /* NIC + cable, one way */
	double cable_price_usd, transceiver_price_usd;
	char source[HW_SOURCE_LEN];
	int price_list;            /* 1: price is a list price; 0: an estimate (price-kind) */
} hw_fabric;

typedef struct {
	char id[HW_ID_LEN];
	int ports;
	double port_rate_bps;
	double latency_ns;
	double power_w, price_usd;
	int rack_units;
	int sharp;                /* supports in-network reduction */
	char source[HW_SOURCE_LEN];
	int price_list;            /* 1: price is a list price; 0: an estimate (price-kind) */
} hw_switch;

typedef struct {
	char id[HW_ID_LEN];
	double read_Bps, write_Bps; /* per unit (node or appliance) */
	double capacity_B;
	double power_w, price_usd;
	int rack_units;
	char source[HW_SOURCE_LEN];
	int price_list;            /* 1: price is a list price; 0: an estimate (price-kind) */
} hw_storage;

/* A rack enclosure with its power distribution: what nodes, switches and storage
 * stand in. */
typedef struct {
	char id[HW_ID_LEN];
	int rack_units;           /* usable height, U */
	double price_usd;         /* enclosure and PDUs */
	int price_list;
	char source[HW_SOURCE_LEN];
} hw_rack;

#endif
