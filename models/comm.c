/* comm.c -- ring collectives as alpha-beta costs (Thakur et al. 2005; the bus
 * bandwidth factors are those nccl-tests uses: 2(n-1)/n for all-reduce, (n-1)/n
 * for reduce-scatter, all-gather and all-to-all). */
#include "models/comm.h"

double comm_coll_ns(coll_op op, int n, double bytes, const comm_path *path)
{
	if (bytes <= 0 || path->bw_Bps <= 0)
		return 0;
	if (op == COLL_SENDRECV)
		return path->alpha_ns + 1e9 * bytes / path->bw_Bps;
	if (n <= 1)
		return 0;
	double steps, factor, nn = n;
	switch (op) {
	case COLL_ALLREDUCE:
		steps = 2.0 * (nn - 1.0);
		factor = 2.0 * (nn - 1.0) / nn;
		break;
	case COLL_BROADCAST:
		steps = nn - 1.0;
		factor = 1.0;
		break;
	case COLL_REDUCESCATTER:
	case COLL_ALLGATHER:
	case COLL_ALLTOALL:
	default:
		steps = nn - 1.0;
		factor = (nn - 1.0) / nn;
		break;
	}
	return steps * path->alpha_ns + 1e9 * factor * bytes / path->bw_Bps;
}

const char *comm_link_class_name(link_class c)
{
	switch (c) {
	case LINK_SCALEUP: return "scale-up";
	case LINK_PCIE: return "pcie";
	case LINK_SCALEOUT: return "scale-out";
	default: return "?";
	}
}
