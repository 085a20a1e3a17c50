#include "spawn_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string_view>

#include "error.h"

namespace dfg {
namespace {

constexpr std::size_t max_output = 16 * 1024 * 1024;
constexpr const char* search_path[] = {"/usr/sbin", "/usr/bin", "/sbin", "/bin"};

/// A file descriptor closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : m_fd(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }
  void reset(int fd = -1) {
    if (m_fd >= 0) close(m_fd);
    m_fd = fd;
  }

 private:
  int m_fd;
};

/// The binary to run: an absolute path as given, a name from the fixed search path.
std::string resolve(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  for (const char* dir : search_path) {
    std::string path = std::string(dir) + "/" + name;
    if (access(path.c_str(), X_OK) == 0) return path;
  }
  return {};
}

struct SpawnActions {
  posix_spawn_file_actions_t actions;
  SpawnActions() { posix_spawn_file_actions_init(&actions); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&actions); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
};

/// Reads what is there from `fd` into `into` (up to max_output); false at end of file.
bool drain(int fd, std::string& into) {
  char buffer[4096];
  const ssize_t n = read(fd, buffer, sizeof buffer);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  const std::size_t room = max_output - std::min(into.size(), max_output);
  into.append(buffer, std::min(room, static_cast<std::size_t>(n)));
  return true;
}

/// The child's standard descriptors: its stdout and stderr read here, its stdin (when there
/// is input) written here.
struct Pipes {
  Fd out_read, out_write, err_read, err_write, in_read, in_write;
};

/// One pipe, both ends closed on exec.
Expected<Ok> open_pipe(Fd& read_end, Fd& write_end) {
  int ends[2];
  if (pipe2(ends, O_CLOEXEC) != 0) return fail(std::string("pipe: ") + std::strerror(errno));
  read_end.reset(ends[0]);
  write_end.reset(ends[1]);
  return Ok{};
}

Expected<Ok> open_pipes(Pipes& pipes, bool with_input) {
  if (auto out = open_pipe(pipes.out_read, pipes.out_write); !out) return out;
  if (auto err = open_pipe(pipes.err_read, pipes.err_write); !err) return err;
  if (with_input) return open_pipe(pipes.in_read, pipes.in_write);
  return Ok{};
}

/// Starts `path` with `argv` and the fixed environment, its stdin from the input's pipe or
/// /dev/null and its output into the pipes; then closes the child's ends here. Returns
/// posix_spawn's error number, 0 when it started.
int spawn(const std::string& path, const std::vector<std::string>& argv, Pipes& pipes, pid_t& pid) {
  SpawnActions spawn;
  if (pipes.in_read.get() < 0) {
    posix_spawn_file_actions_addopen(&spawn.actions, 0, "/dev/null", O_RDONLY, 0);
  } else {
    posix_spawn_file_actions_adddup2(&spawn.actions, pipes.in_read.get(), 0);
  }
  posix_spawn_file_actions_adddup2(&spawn.actions, pipes.out_write.get(), 1);
  posix_spawn_file_actions_adddup2(&spawn.actions, pipes.err_write.get(), 2);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  char lc_all[] = "LC_ALL=C";
  char path_env[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
  char* env[] = {lc_all, path_env, nullptr};

  // The child starts with SIGPIPE's default action, whatever this process set.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
  const int rc = posix_spawn(&pid, path.c_str(), &spawn.actions, &attributes, args.data(), env);
  posix_spawnattr_destroy(&attributes);
  pipes.out_write.reset();
  pipes.err_write.reset();
  pipes.in_read.reset();
  return rc;
}

/// Feeds `input` and reads both output pipes into `result` until they close or `deadline`
/// passes (timed_out); then closes the input: what was not taken by now never will be, so
/// the program sees end of file, not a wait.
void exchange(Pipes& pipes, std::string_view input, std::chrono::steady_clock::time_point deadline,
              ProcessResult& result) {
  // A program that stops reading early closes its end: the write fails with EPIPE, not a
  // signal.
  Fd& in_write = pipes.in_write;
  if (in_write.get() >= 0) fcntl(in_write.get(), F_SETFL, O_NONBLOCK);
  signal(SIGPIPE, SIG_IGN);
  bool out_open = true, err_open = true;
  while (out_open || err_open) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      break;
    }
    pollfd fds[3] = {{out_open ? pipes.out_read.get() : -1, POLLIN, 0},
                     {err_open ? pipes.err_read.get() : -1, POLLIN, 0},
                     {in_write.get(), POLLOUT, 0}};
    const int n = poll(fds, 3, static_cast<int>(left.count()));
    if (n < 0 && errno != EINTR) break;
    if (in_write.get() >= 0 && fds[2].revents != 0) {
      const ssize_t written = write(in_write.get(), input.data(), input.size());
      if (written > 0) input.remove_prefix(static_cast<std::size_t>(written));
      if ((written < 0 && errno != EAGAIN && errno != EINTR) || input.empty()) in_write.reset();
    }
    if (out_open && fds[0].revents != 0) out_open = drain(pipes.out_read.get(), result.out);
    if (err_open && fds[1].revents != 0) err_open = drain(pipes.err_read.get(), result.err);
  }
  in_write.reset();
}

/// Waits for the program `name` to exit and records how it ended; kills it when `deadline`
/// passes first (timed_out): a program may close its output and still run.
void reap(pid_t pid, const std::string& name, std::chrono::milliseconds timeout,
          std::chrono::steady_clock::time_point deadline, ProcessResult& result) {
  int status = 0;
  while (!result.timed_out) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      result.timed_out = true;
      break;
    }
    usleep(2000);
  }
  if (result.timed_out) {
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.error = name + ": killed after " + std::to_string(timeout.count()) + " ms";
  } else {
    if (WIFEXITED(status)) {
      result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      result.error = name + ": killed by signal " + std::to_string(WTERMSIG(status));
    }
  }
}

}  // namespace

ProcessResult SpawnRunner::run(const std::vector<std::string>& argv,
                               std::chrono::milliseconds timeout, std::string_view input) {
  ProcessResult result;
  if (argv.empty()) {
    result.error = "nothing to run";
    return result;
  }
  const std::string path = resolve(argv[0]);
  if (path.empty()) {
    result.error = argv[0] + ": not found in /usr/sbin, /usr/bin, /sbin or /bin";
    return result;
  }
  Pipes pipes;
  if (const auto opened = open_pipes(pipes, !input.empty()); !opened) {
    result.error = opened.error();
    return result;
  }
  pid_t pid = 0;
  if (const int rc = spawn(path, argv, pipes, pid); rc != 0) {
    result.error = path + ": " + std::strerror(rc);
    return result;
  }
  result.started = true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  exchange(pipes, input, deadline, result);
  reap(pid, argv[0], timeout, deadline, result);
  return result;
}

}  // namespace dfg
