#!/bin/sh
# fit-shared.sh [CAPSIM [OUTDIR]] -- regenerates the shipped system profiles from the public
# nccl-tests logs in ../shared/data/nccl/ with `capsim calibrate fit`, on top of
# default.xml (whose GEMM, attention and HBM figures come from
# ../shared/data/measured_microbenchmarks.csv rows named in its <source>).
# No GPU of this project measured anything here: every input is a published log.
set -eu
cd "$(dirname "$0")/../.."
capsim=${1:-bin/capsim}
out=${2:-calibrate/profiles}
d=../shared/data/nccl
az=$d/nccl_allreduce_singlenode_busbw_tables_azure-AIBG.csv
date=2026-11-30

# The 2-node A100 RoCE log is not an input: at its large sizes NCCL runs the
# 2-node tree, whose pace the model takes from the NVLink line rate and NCCL's own
# tree factors (models/coll.c), not from a profile figure a fit could set.
$capsim calibrate fit --date $date --name a100-sxm-nvswitch \
	--scenario tests/nccl/azure-a100-8.xml --gpu nvidia-a100-sxm-40gb --gpu nvidia-a100-sxm-80gb \
	"$az#ND_A100" \
	-o $out/a100-sxm-nvswitch.xml

$capsim calibrate fit --date $date --name h100-sxm-nvswitch \
	--scenario tests/nccl/h100-16-ib.xml \
	$d/nccl_allreduce_8xH100_nvlink_bitdeer.txt $d/nccl_allreduce_16xH100_2node_ib8hca_bitdeer.txt "$az#ND_H100" \
	-o $out/h100-sxm-nvswitch.xml

$capsim calibrate fit --date $date --name gb200-nvl72 \
	--scenario tests/nccl/gb200-72-nvl72.xml \
	$d/nccl_allreduce_72xGB200_nvl72-1rack_coreweave.txt $d/nccl_allreduce_4xGB200_1node-nvlink_oci.txt "$az#ND_GB200" \
	-o $out/gb200-nvl72.xml

# B200 (HGX, NVLink5 NVSwitch): no B200 collective log is public in ../shared/data;
# the GB200 tray logs (the same B200 silicon and NVLink5 generation) stand in, on a
# DGX B200 system description. Estimate: that a GB200 tray's 4-GPU all-reduce
# efficiency carries to an 8-GPU HGX B200 NVSwitch.
$capsim calibrate fit --date $date --name b200-nvswitch \
	--scenario tests/calibrate/b200-8-nvswitch.xml \
	$d/nccl_allreduce_4xGB200_1node-nvlink_oci.txt "$az#ND_GB200" \
	-o $out/b200-nvswitch.xml
