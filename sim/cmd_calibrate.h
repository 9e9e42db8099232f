/* cmd_calibrate.h -- `capsim calibrate fit` (measurements to a profile) and
 * `capsim calibrate compare` (a real nccl-tests log beside the model's prediction).
 *
 * Invariant: fit writes its profile atomically and only after it loads back
 * cleanly; on any failure no output file is left. */
#ifndef CAPSIM_CMD_CALIBRATE_H
#define CAPSIM_CMD_CALIBRATE_H

/* The command (argv after "calibrate"); returns the process exit status
 * (0, 1 input failure, 2 usage). */
int cmd_calibrate(int argc, char **argv);

#endif
