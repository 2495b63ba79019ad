/*
 * Prints sizeof/offsetof of every struct and field ublk-s3 binds, and the value of every constant, as the C
 * compiler sees them; LayoutTest compares each number with the Java layouts and constants.
 * Output lines: "size NAME N", "field STRUCT.FIELD OFFSET SIZE", "const NAME VALUE", "strerror ERRNO MESSAGE".
 * -DUBLKS3_HOST_UBLK uses the host's <linux/ublk_cmd.h>; otherwise the copy next to this file (Linux 6.12).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/io_uring.h>
#include <linux/time_types.h>
#ifdef UBLKS3_HOST_UBLK
#include <linux/ublk_cmd.h>
#else
#include "ublk_cmd-6.12.h"
#endif

#define S(T) printf("size %s %zu\n", #T, sizeof(struct T))
#define F(T, f) printf("field %s.%s %zu %zu\n", #T, #f, offsetof(struct T, f), sizeof(((struct T *)0)->f))
/* a flexible array member has no size: report 0, like cmd[0] */
#define FLEX(T, f) printf("field %s.%s %zu 0\n", #T, #f, offsetof(struct T, f))
#define C(N) printf("const %s %lld\n", #N, (long long)(N))

int main(void) {
	S(io_uring_sqe);
	/* the kernel doubles the SQE with IORING_SETUP_SQE128 and the CQE with IORING_SETUP_CQE32 */
	printf("size io_uring_sqe128 %zu\n", 2 * sizeof(struct io_uring_sqe));
	F(io_uring_sqe, opcode); F(io_uring_sqe, flags); F(io_uring_sqe, ioprio); F(io_uring_sqe, fd);
	F(io_uring_sqe, off); F(io_uring_sqe, addr2); F(io_uring_sqe, cmd_op); F(io_uring_sqe, __pad1);
	F(io_uring_sqe, addr); F(io_uring_sqe, splice_off_in); F(io_uring_sqe, len);
	F(io_uring_sqe, rw_flags); F(io_uring_sqe, fsync_flags); F(io_uring_sqe, poll_events);
	F(io_uring_sqe, poll32_events); F(io_uring_sqe, sync_range_flags); F(io_uring_sqe, msg_flags);
	F(io_uring_sqe, timeout_flags); F(io_uring_sqe, accept_flags); F(io_uring_sqe, cancel_flags);
	F(io_uring_sqe, open_flags); F(io_uring_sqe, statx_flags); F(io_uring_sqe, fadvise_advice);
	F(io_uring_sqe, splice_flags); F(io_uring_sqe, rename_flags); F(io_uring_sqe, unlink_flags);
	F(io_uring_sqe, hardlink_flags); F(io_uring_sqe, xattr_flags); F(io_uring_sqe, msg_ring_flags);
	F(io_uring_sqe, uring_cmd_flags); F(io_uring_sqe, user_data); F(io_uring_sqe, buf_index);
	F(io_uring_sqe, buf_group); F(io_uring_sqe, personality); F(io_uring_sqe, splice_fd_in);
	F(io_uring_sqe, file_index); F(io_uring_sqe, addr_len); F(io_uring_sqe, __pad3); F(io_uring_sqe, addr3);
	F(io_uring_sqe, __pad2); F(io_uring_sqe, cmd);

	S(io_uring_cqe);
	printf("size io_uring_cqe32 %zu\n", 2 * sizeof(struct io_uring_cqe));
	F(io_uring_cqe, user_data); F(io_uring_cqe, res); F(io_uring_cqe, flags); FLEX(io_uring_cqe, big_cqe);

	S(io_sqring_offsets);
	F(io_sqring_offsets, head); F(io_sqring_offsets, tail); F(io_sqring_offsets, ring_mask);
	F(io_sqring_offsets, ring_entries); F(io_sqring_offsets, flags); F(io_sqring_offsets, dropped);
	F(io_sqring_offsets, array); F(io_sqring_offsets, resv1); F(io_sqring_offsets, resv2);

	S(io_cqring_offsets);
	F(io_cqring_offsets, head); F(io_cqring_offsets, tail); F(io_cqring_offsets, ring_mask);
	F(io_cqring_offsets, ring_entries); F(io_cqring_offsets, overflow); F(io_cqring_offsets, cqes);
	F(io_cqring_offsets, flags); F(io_cqring_offsets, resv1); F(io_cqring_offsets, resv2);

	S(io_uring_params);
	F(io_uring_params, sq_entries); F(io_uring_params, cq_entries); F(io_uring_params, flags);
	F(io_uring_params, sq_thread_cpu); F(io_uring_params, sq_thread_idle); F(io_uring_params, features);
	F(io_uring_params, wq_fd); F(io_uring_params, resv); F(io_uring_params, sq_off); F(io_uring_params, cq_off);

	S(io_uring_getevents_arg);
	F(io_uring_getevents_arg, sigmask); F(io_uring_getevents_arg, sigmask_sz); F(io_uring_getevents_arg, pad);
	F(io_uring_getevents_arg, ts);

	S(__kernel_timespec);
	F(__kernel_timespec, tv_sec); F(__kernel_timespec, tv_nsec);

	S(ublksrv_ctrl_cmd);
	F(ublksrv_ctrl_cmd, dev_id); F(ublksrv_ctrl_cmd, queue_id); F(ublksrv_ctrl_cmd, len);
	F(ublksrv_ctrl_cmd, addr); F(ublksrv_ctrl_cmd, data); F(ublksrv_ctrl_cmd, dev_path_len);
	F(ublksrv_ctrl_cmd, pad); F(ublksrv_ctrl_cmd, reserved);

	S(ublksrv_ctrl_dev_info);
	F(ublksrv_ctrl_dev_info, nr_hw_queues); F(ublksrv_ctrl_dev_info, queue_depth); F(ublksrv_ctrl_dev_info, state);
	F(ublksrv_ctrl_dev_info, pad0); F(ublksrv_ctrl_dev_info, max_io_buf_bytes); F(ublksrv_ctrl_dev_info, dev_id);
	F(ublksrv_ctrl_dev_info, ublksrv_pid); F(ublksrv_ctrl_dev_info, pad1); F(ublksrv_ctrl_dev_info, flags);
	F(ublksrv_ctrl_dev_info, ublksrv_flags); F(ublksrv_ctrl_dev_info, owner_uid);
	F(ublksrv_ctrl_dev_info, owner_gid); F(ublksrv_ctrl_dev_info, reserved1); F(ublksrv_ctrl_dev_info, reserved2);

	S(ublksrv_io_desc);
	F(ublksrv_io_desc, op_flags); F(ublksrv_io_desc, nr_sectors); F(ublksrv_io_desc, nr_zones);
	F(ublksrv_io_desc, start_sector); F(ublksrv_io_desc, addr);

	S(ublksrv_io_cmd);
	F(ublksrv_io_cmd, q_id); F(ublksrv_io_cmd, tag); F(ublksrv_io_cmd, result); F(ublksrv_io_cmd, addr);
	F(ublksrv_io_cmd, zone_append_lba);

	S(ublk_param_basic);
	F(ublk_param_basic, attrs); F(ublk_param_basic, logical_bs_shift); F(ublk_param_basic, physical_bs_shift);
	F(ublk_param_basic, io_opt_shift); F(ublk_param_basic, io_min_shift); F(ublk_param_basic, max_sectors);
	F(ublk_param_basic, chunk_sectors); F(ublk_param_basic, dev_sectors); F(ublk_param_basic, virt_boundary_mask);

	S(ublk_param_discard);
	F(ublk_param_discard, discard_alignment); F(ublk_param_discard, discard_granularity);
	F(ublk_param_discard, max_discard_sectors); F(ublk_param_discard, max_write_zeroes_sectors);
	F(ublk_param_discard, max_discard_segments); F(ublk_param_discard, reserved0);

	S(ublk_param_devt);
	F(ublk_param_devt, char_major); F(ublk_param_devt, char_minor); F(ublk_param_devt, disk_major);
	F(ublk_param_devt, disk_minor);

	S(ublk_param_zoned);
	F(ublk_param_zoned, max_open_zones); F(ublk_param_zoned, max_active_zones);
	F(ublk_param_zoned, max_zone_append_sectors); F(ublk_param_zoned, reserved);

	/* ublk_params grows at its end in kernels after 6.12; ublk-s3 binds it up to zoned, so compare that prefix */
	printf("size ublk_params %zu\n", (offsetof(struct ublk_params, zoned) + sizeof(struct ublk_param_zoned)
		+ _Alignof(struct ublk_params) - 1) / _Alignof(struct ublk_params) * _Alignof(struct ublk_params));
	F(ublk_params, len); F(ublk_params, types); F(ublk_params, basic); F(ublk_params, discard);
	F(ublk_params, devt); F(ublk_params, zoned);

	/* constants: io_uring_h */
	C(__NR_io_uring_setup);
	C(__NR_io_uring_enter);
	C(__NR_io_uring_register);
	C(IORING_SETUP_IOPOLL);
	C(IORING_SETUP_SQPOLL);
	C(IORING_SETUP_SQ_AFF);
	C(IORING_SETUP_CQSIZE);
	C(IORING_SETUP_CLAMP);
	C(IORING_SETUP_ATTACH_WQ);
	C(IORING_SETUP_R_DISABLED);
	C(IORING_SETUP_SUBMIT_ALL);
	C(IORING_SETUP_COOP_TASKRUN);
	C(IORING_SETUP_TASKRUN_FLAG);
	C(IORING_SETUP_SQE128);
	C(IORING_SETUP_CQE32);
	C(IORING_SETUP_SINGLE_ISSUER);
	C(IORING_SETUP_DEFER_TASKRUN);
	C(IORING_OP_NOP);
	C(IORING_OP_READV);
	C(IORING_OP_WRITEV);
	C(IORING_OP_FSYNC);
	C(IORING_OP_READ_FIXED);
	C(IORING_OP_WRITE_FIXED);
	C(IORING_OP_POLL_ADD);
	C(IORING_OP_POLL_REMOVE);
	C(IORING_OP_SYNC_FILE_RANGE);
	C(IORING_OP_SENDMSG);
	C(IORING_OP_RECVMSG);
	C(IORING_OP_TIMEOUT);
	C(IORING_OP_TIMEOUT_REMOVE);
	C(IORING_OP_ACCEPT);
	C(IORING_OP_ASYNC_CANCEL);
	C(IORING_OP_LINK_TIMEOUT);
	C(IORING_OP_CONNECT);
	C(IORING_OP_FALLOCATE);
	C(IORING_OP_OPENAT);
	C(IORING_OP_CLOSE);
	C(IORING_OP_FILES_UPDATE);
	C(IORING_OP_STATX);
	C(IORING_OP_READ);
	C(IORING_OP_WRITE);
	C(IORING_OP_FADVISE);
	C(IORING_OP_MADVISE);
	C(IORING_OP_SEND);
	C(IORING_OP_RECV);
	C(IORING_OP_OPENAT2);
	C(IORING_OP_EPOLL_CTL);
	C(IORING_OP_SPLICE);
	C(IORING_OP_PROVIDE_BUFFERS);
	C(IORING_OP_REMOVE_BUFFERS);
	C(IORING_OP_TEE);
	C(IORING_OP_SHUTDOWN);
	C(IORING_OP_RENAMEAT);
	C(IORING_OP_UNLINKAT);
	C(IORING_OP_MKDIRAT);
	C(IORING_OP_SYMLINKAT);
	C(IORING_OP_LINKAT);
	C(IORING_OP_MSG_RING);
	C(IORING_OP_FSETXATTR);
	C(IORING_OP_SETXATTR);
	C(IORING_OP_FGETXATTR);
	C(IORING_OP_GETXATTR);
	C(IORING_OP_SOCKET);
	C(IORING_OP_URING_CMD);
	C(IORING_OP_SEND_ZC);
	C(IORING_OP_SENDMSG_ZC);
	C(IOSQE_FIXED_FILE);
	C(IOSQE_IO_DRAIN);
	C(IOSQE_IO_LINK);
	C(IOSQE_IO_HARDLINK);
	C(IOSQE_ASYNC);
	C(IOSQE_BUFFER_SELECT);
	C(IOSQE_CQE_SKIP_SUCCESS);
	C(IORING_URING_CMD_FIXED);
	C(IORING_FSYNC_DATASYNC);
	C(IORING_TIMEOUT_ABS);
	C(IORING_TIMEOUT_UPDATE);
	C(IORING_TIMEOUT_BOOTTIME);
	C(IORING_TIMEOUT_REALTIME);
	C(IORING_LINK_TIMEOUT_UPDATE);
	C(IORING_TIMEOUT_ETIME_SUCCESS);
	C(IORING_POLL_ADD_MULTI);
	C(IORING_POLL_UPDATE_EVENTS);
	C(IORING_POLL_UPDATE_USER_DATA);
	C(IORING_POLL_ADD_LEVEL);
	C(IORING_ASYNC_CANCEL_ALL);
	C(IORING_ASYNC_CANCEL_FD);
	C(IORING_ASYNC_CANCEL_ANY);
	C(IORING_ASYNC_CANCEL_FD_FIXED);
	C(IORING_CQE_F_BUFFER);
	C(IORING_CQE_F_MORE);
	C(IORING_CQE_F_SOCK_NONEMPTY);
	C(IORING_CQE_F_NOTIF);
	C(IORING_OFF_SQ_RING);
	C(IORING_OFF_CQ_RING);
	C(IORING_OFF_SQES);
	C(IORING_SQ_NEED_WAKEUP);
	C(IORING_SQ_CQ_OVERFLOW);
	C(IORING_SQ_TASKRUN);
	C(IORING_CQ_EVENTFD_DISABLED);
	C(IORING_ENTER_GETEVENTS);
	C(IORING_ENTER_SQ_WAKEUP);
	C(IORING_ENTER_SQ_WAIT);
	C(IORING_ENTER_EXT_ARG);
	C(IORING_ENTER_REGISTERED_RING);
	C(IORING_FEAT_SINGLE_MMAP);
	C(IORING_FEAT_NODROP);
	C(IORING_FEAT_SUBMIT_STABLE);
	C(IORING_FEAT_RW_CUR_POS);
	C(IORING_FEAT_CUR_PERSONALITY);
	C(IORING_FEAT_FAST_POLL);
	C(IORING_FEAT_POLL_32BITS);
	C(IORING_FEAT_SQPOLL_NONFIXED);
	C(IORING_FEAT_EXT_ARG);
	C(IORING_FEAT_NATIVE_WORKERS);
	C(IORING_FEAT_RSRC_TAGS);
	C(IORING_FEAT_CQE_SKIP);
	C(IORING_FEAT_LINKED_FILE);
	C(IORING_REGISTER_BUFFERS);
	C(IORING_UNREGISTER_BUFFERS);
	C(IORING_REGISTER_FILES);
	C(IORING_UNREGISTER_FILES);
	C(IORING_REGISTER_EVENTFD);
	C(IORING_UNREGISTER_EVENTFD);
	C(IORING_REGISTER_FILES_UPDATE);
	C(IORING_REGISTER_EVENTFD_ASYNC);
	C(IORING_REGISTER_PROBE);
	C(IORING_REGISTER_PERSONALITY);
	C(IORING_UNREGISTER_PERSONALITY);
	C(IORING_REGISTER_RESTRICTIONS);
	C(IORING_REGISTER_ENABLE_RINGS);
	C(IORING_REGISTER_RING_FDS);
	C(IORING_UNREGISTER_RING_FDS);
	/* constants: ublk_cmd_h */
	C(UBLK_CMD_GET_QUEUE_AFFINITY);
	C(UBLK_CMD_GET_DEV_INFO);
	C(UBLK_CMD_ADD_DEV);
	C(UBLK_CMD_DEL_DEV);
	C(UBLK_CMD_START_DEV);
	C(UBLK_CMD_STOP_DEV);
	C(UBLK_CMD_SET_PARAMS);
	C(UBLK_CMD_GET_PARAMS);
	C(UBLK_CMD_START_USER_RECOVERY);
	C(UBLK_CMD_END_USER_RECOVERY);
	C(UBLK_CMD_GET_DEV_INFO2);
	C(UBLK_U_CMD_GET_QUEUE_AFFINITY);
	C(UBLK_U_CMD_GET_DEV_INFO);
	C(UBLK_U_CMD_ADD_DEV);
	C(UBLK_U_CMD_DEL_DEV);
	C(UBLK_U_CMD_START_DEV);
	C(UBLK_U_CMD_STOP_DEV);
	C(UBLK_U_CMD_SET_PARAMS);
	C(UBLK_U_CMD_GET_PARAMS);
	C(UBLK_U_CMD_START_USER_RECOVERY);
	C(UBLK_U_CMD_END_USER_RECOVERY);
	C(UBLK_U_CMD_GET_DEV_INFO2);
	C(UBLK_U_CMD_GET_FEATURES);
	C(UBLK_U_CMD_DEL_DEV_ASYNC);
	C(UBLK_U_CMD_UPDATE_SIZE);
	C(UBLK_U_CMD_QUIESCE_DEV);
	C(UBLK_FEATURES_LEN);
	C(UBLK_IO_FETCH_REQ);
	C(UBLK_IO_COMMIT_AND_FETCH_REQ);
	C(UBLK_IO_NEED_GET_DATA);
	C(UBLK_U_IO_FETCH_REQ);
	C(UBLK_U_IO_COMMIT_AND_FETCH_REQ);
	C(UBLK_U_IO_NEED_GET_DATA);
	C(UBLK_IO_RES_OK);
	C(UBLK_IO_RES_NEED_GET_DATA);
	C(UBLK_IO_RES_ABORT);
	C(UBLKSRV_CMD_BUF_OFFSET);
	C(UBLKSRV_IO_BUF_OFFSET);
	C(UBLK_MAX_QUEUE_DEPTH);
	C(UBLK_IO_BUF_OFF);
	C(UBLK_IO_BUF_BITS);
	C(UBLK_IO_BUF_BITS_MASK);
	C(UBLK_TAG_OFF);
	C(UBLK_TAG_BITS);
	C(UBLK_TAG_BITS_MASK);
	C(UBLK_QID_OFF);
	C(UBLK_QID_BITS);
	C(UBLK_QID_BITS_MASK);
	C(UBLK_MAX_NR_QUEUES);
	C(UBLKSRV_IO_BUF_TOTAL_BITS);
	C(UBLKSRV_IO_BUF_TOTAL_SIZE);
	C(UBLK_F_SUPPORT_ZERO_COPY);
	C(UBLK_F_URING_CMD_COMP_IN_TASK);
	C(UBLK_F_NEED_GET_DATA);
	C(UBLK_F_USER_RECOVERY);
	C(UBLK_F_USER_RECOVERY_REISSUE);
	C(UBLK_F_UNPRIVILEGED_DEV);
	C(UBLK_F_CMD_IOCTL_ENCODE);
	C(UBLK_F_USER_COPY);
	C(UBLK_F_ZONED);
	C(UBLK_F_USER_RECOVERY_FAIL_IO);
	C(UBLK_F_UPDATE_SIZE);
	C(UBLK_F_AUTO_BUF_REG);
	C(UBLK_F_QUIESCE);
	C(UBLK_F_PER_IO_DAEMON);
	C(UBLK_F_BUF_REG_OFF_DAEMON);
	C(UBLK_S_DEV_DEAD);
	C(UBLK_S_DEV_LIVE);
	C(UBLK_S_DEV_QUIESCED);
	C(UBLK_S_DEV_FAIL_IO);
	C(UBLK_IO_OP_READ);
	C(UBLK_IO_OP_WRITE);
	C(UBLK_IO_OP_FLUSH);
	C(UBLK_IO_OP_DISCARD);
	C(UBLK_IO_OP_WRITE_SAME);
	C(UBLK_IO_OP_WRITE_ZEROES);
	C(UBLK_IO_OP_ZONE_OPEN);
	C(UBLK_IO_OP_ZONE_CLOSE);
	C(UBLK_IO_OP_ZONE_FINISH);
	C(UBLK_IO_OP_ZONE_APPEND);
	C(UBLK_IO_OP_ZONE_RESET_ALL);
	C(UBLK_IO_OP_ZONE_RESET);
	C(UBLK_IO_OP_REPORT_ZONES);
	C(UBLK_IO_F_FAILFAST_DEV);
	C(UBLK_IO_F_FAILFAST_TRANSPORT);
	C(UBLK_IO_F_FAILFAST_DRIVER);
	C(UBLK_IO_F_META);
	C(UBLK_IO_F_FUA);
	C(UBLK_IO_F_NOUNMAP);
	C(UBLK_IO_F_SWAP);
	C(UBLK_ATTR_READ_ONLY);
	C(UBLK_ATTR_ROTATIONAL);
	C(UBLK_ATTR_VOLATILE_CACHE);
	C(UBLK_ATTR_FUA);
	C(UBLK_PARAM_TYPE_BASIC);
	C(UBLK_PARAM_TYPE_DISCARD);
	C(UBLK_PARAM_TYPE_DEVT);
	C(UBLK_PARAM_TYPE_ZONED);
	C(UBLK_PARAM_TYPE_DMA_ALIGN);
	C(UBLK_PARAM_TYPE_SEGMENT);
	/* constants: Libc */
	C(O_RDONLY);
	C(O_WRONLY);
	C(O_RDWR);
	C(O_CREAT);
	C(O_EXCL);
	C(O_TRUNC);
	C(O_NONBLOCK);
	C(O_CLOEXEC);
	C(O_DIRECT);
	C(PROT_READ);
	C(PROT_WRITE);
	C(MAP_SHARED);
	C(MAP_PRIVATE);
	C(MAP_ANONYMOUS);
	C(MAP_POPULATE);
	C(EFD_SEMAPHORE);
	C(EFD_NONBLOCK);
	C(EFD_CLOEXEC);
	C(PR_SET_NAME);
	C(PR_SET_IO_FLUSHER);
	/* constants: Errno */
	C(EPERM);
	C(ENOENT);
	C(ESRCH);
	C(EINTR);
	C(EIO);
	C(ENXIO);
	C(E2BIG);
	C(ENOEXEC);
	C(EBADF);
	C(ECHILD);
	C(EAGAIN);
	C(ENOMEM);
	C(EACCES);
	C(EFAULT);
	C(ENOTBLK);
	C(EBUSY);
	C(EEXIST);
	C(EXDEV);
	C(ENODEV);
	C(ENOTDIR);
	C(EISDIR);
	C(EINVAL);
	C(ENFILE);
	C(EMFILE);
	C(ENOTTY);
	C(ETXTBSY);
	C(EFBIG);
	C(ENOSPC);
	C(ESPIPE);
	C(EROFS);
	C(EMLINK);
	C(EPIPE);
	C(EDOM);
	C(ERANGE);
	C(EDEADLK);
	C(ENAMETOOLONG);
	C(ENOLCK);
	C(ENOSYS);
	C(ENOTEMPTY);
	C(ELOOP);
	C(ENODATA);
	C(ETIME);
	C(EOVERFLOW);
	C(EBADFD);
	C(EOPNOTSUPP);
	C(EADDRINUSE);
	C(ENETUNREACH);
	C(ECONNRESET);
	C(ENOBUFS);
	C(ETIMEDOUT);
	C(ECONNREFUSED);
	C(EHOSTUNREACH);
	C(EALREADY);
	C(EINPROGRESS);
	C(ECANCELED);

	for (int e = 1; e < 134; e++) printf("strerror %d %s\n", e, strerror(e));
	return 0;
}
