package dev.ublks3.linux;

/**
 * errno values (Linux, x86_64 and aarch64 share them) with their names and glibc's {@code strerror} messages,
 * for the errnos a block server meets. The layout test checks the numbers and messages against the C library.
 */
public final class Errno {
    private Errno() {}

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int E2BIG = 7;
    public static final int ENOEXEC = 8;
    public static final int EBADF = 9;
    public static final int ECHILD = 10;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int ENOTBLK = 15;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOTTY = 25;
    public static final int ETXTBSY = 26;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int ESPIPE = 29;
    public static final int EROFS = 30;
    public static final int EMLINK = 31;
    public static final int EPIPE = 32;
    public static final int EDOM = 33;
    public static final int ERANGE = 34;
    public static final int EDEADLK = 35;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOLCK = 37;
    public static final int ENOSYS = 38;
    public static final int ENOTEMPTY = 39;
    public static final int ELOOP = 40;
    public static final int ENODATA = 61;
    public static final int ETIME = 62;
    public static final int EOVERFLOW = 75;
    public static final int EBADFD = 77;
    public static final int EOPNOTSUPP = 95;
    public static final int EADDRINUSE = 98;
    public static final int ENETUNREACH = 101;
    public static final int ECONNRESET = 104;
    public static final int ENOBUFS = 105;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EHOSTUNREACH = 113;
    public static final int EALREADY = 114;
    public static final int EINPROGRESS = 115;
    public static final int ECANCELED = 125;

    private static final String[] NAMES = new String[126];
    private static final String[] MESSAGES = new String[126];

    private static void entry(int errno, String name, String message) {
        NAMES[errno] = name;
        MESSAGES[errno] = message;
    }

    static {
        entry(EPERM, "EPERM", "Operation not permitted");
        entry(ENOENT, "ENOENT", "No such file or directory");
        entry(ESRCH, "ESRCH", "No such process");
        entry(EINTR, "EINTR", "Interrupted system call");
        entry(EIO, "EIO", "Input/output error");
        entry(ENXIO, "ENXIO", "No such device or address");
        entry(E2BIG, "E2BIG", "Argument list too long");
        entry(ENOEXEC, "ENOEXEC", "Exec format error");
        entry(EBADF, "EBADF", "Bad file descriptor");
        entry(ECHILD, "ECHILD", "No child processes");
        entry(EAGAIN, "EAGAIN", "Resource temporarily unavailable");
        entry(ENOMEM, "ENOMEM", "Cannot allocate memory");
        entry(EACCES, "EACCES", "Permission denied");
        entry(EFAULT, "EFAULT", "Bad address");
        entry(ENOTBLK, "ENOTBLK", "Block device required");
        entry(EBUSY, "EBUSY", "Device or resource busy");
        entry(EEXIST, "EEXIST", "File exists");
        entry(EXDEV, "EXDEV", "Invalid cross-device link");
        entry(ENODEV, "ENODEV", "No such device");
        entry(ENOTDIR, "ENOTDIR", "Not a directory");
        entry(EISDIR, "EISDIR", "Is a directory");
        entry(EINVAL, "EINVAL", "Invalid argument");
        entry(ENFILE, "ENFILE", "Too many open files in system");
        entry(EMFILE, "EMFILE", "Too many open files");
        entry(ENOTTY, "ENOTTY", "Inappropriate ioctl for device");
        entry(ETXTBSY, "ETXTBSY", "Text file busy");
        entry(EFBIG, "EFBIG", "File too large");
        entry(ENOSPC, "ENOSPC", "No space left on device");
        entry(ESPIPE, "ESPIPE", "Illegal seek");
        entry(EROFS, "EROFS", "Read-only file system");
        entry(EMLINK, "EMLINK", "Too many links");
        entry(EPIPE, "EPIPE", "Broken pipe");
        entry(EDOM, "EDOM", "Numerical argument out of domain");
        entry(ERANGE, "ERANGE", "Numerical result out of range");
        entry(EDEADLK, "EDEADLK", "Resource deadlock avoided");
        entry(ENAMETOOLONG, "ENAMETOOLONG", "File name too long");
        entry(ENOLCK, "ENOLCK", "No locks available");
        entry(ENOSYS, "ENOSYS", "Function not implemented");
        entry(ENOTEMPTY, "ENOTEMPTY", "Directory not empty");
        entry(ELOOP, "ELOOP", "Too many levels of symbolic links");
        entry(ENODATA, "ENODATA", "No data available");
        entry(ETIME, "ETIME", "Timer expired");
        entry(EOVERFLOW, "EOVERFLOW", "Value too large for defined data type");
        entry(EBADFD, "EBADFD", "File descriptor in bad state");
        entry(EOPNOTSUPP, "EOPNOTSUPP", "Operation not supported");
        entry(EADDRINUSE, "EADDRINUSE", "Address already in use");
        entry(ENETUNREACH, "ENETUNREACH", "Network is unreachable");
        entry(ECONNRESET, "ECONNRESET", "Connection reset by peer");
        entry(ENOBUFS, "ENOBUFS", "No buffer space available");
        entry(ETIMEDOUT, "ETIMEDOUT", "Connection timed out");
        entry(ECONNREFUSED, "ECONNREFUSED", "Connection refused");
        entry(EHOSTUNREACH, "EHOSTUNREACH", "No route to host");
        entry(EALREADY, "EALREADY", "Operation already in progress");
        entry(EINPROGRESS, "EINPROGRESS", "Operation now in progress");
        entry(ECANCELED, "ECANCELED", "Operation canceled");
    }

    /** The symbolic name ("EBADF"), or "errno N" for one not in the table. A negative value is taken as -errno. */
    public static String name(int errno) {
        int e = Math.abs(errno);
        return e < NAMES.length && NAMES[e] != null ? NAMES[e] : "errno " + e;
    }

    /** glibc's message ("Bad file descriptor"), or "Unknown error N". A negative value is taken as -errno. */
    public static String message(int errno) {
        int e = Math.abs(errno);
        return e < MESSAGES.length && MESSAGES[e] != null ? MESSAGES[e] : "Unknown error " + e;
    }

    /** "EBADF (Bad file descriptor)" for 9 or -9. */
    public static String describe(int errno) {
        return name(errno) + " (" + message(errno) + ")";
    }
}
