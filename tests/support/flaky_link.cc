#include "flaky_link.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace mcrm::testing {
namespace {

// Writes all of `data`; false when the peer is gone.
bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

struct Pair {
  int device = -1;
  int server = -1;
};

void Close(Pair& pair) {
  // RST rather than FIN, like a connection lost on the radio is seen once the peer notices.
  for (int fd : {pair.device, pair.server}) {
    if (fd < 0) continue;
    linger hard{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    ::close(fd);
  }
  pair.device = pair.server = -1;
}

}  // namespace

absl::StatusOr<std::unique_ptr<FlakyLink>> FlakyLink::Start(const std::string& upstream) {
  std::unique_ptr<FlakyLink> link(new FlakyLink());
  const size_t colon = upstream.rfind(':');
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(upstream.substr(colon + 1), &link->upstream_port_)) {
    return absl::InvalidArgumentError(absl::StrCat("flaky link: bad upstream ", upstream));
  }
  link->upstream_host_ = upstream.substr(0, colon);
  link->listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(link->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(link->listen_fd_, 64) != 0 ||
      ::getsockname(link->listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
      ::pipe2(link->wake_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) {
    return absl::InternalError(absl::StrCat("flaky link: ", std::strerror(errno)));
  }
  link->address_ = absl::StrCat("127.0.0.1:", ntohs(addr.sin_port));
  link->thread_ = std::thread([l = link.get()] { l->Run(); });
  return link;
}

FlakyLink::~FlakyLink() {
  stopping_ = true;
  if (wake_pipe_[1] >= 0) (void)!::write(wake_pipe_[1], "x", 1);
  if (thread_.joinable()) thread_.join();
  for (int fd : {listen_fd_, wake_pipe_[0], wake_pipe_[1]}) {
    if (fd >= 0) ::close(fd);
  }
}

void FlakyLink::SetUp(bool up) {
  absl::MutexLock lock(&mutex_);
  up_ = up;
  if (!up) cut_now_ = true;
  (void)!::write(wake_pipe_[1], "x", 1);
}

void FlakyLink::SetBlackHole(bool on) {
  absl::MutexLock lock(&mutex_);
  black_hole_ = on;
}

void FlakyLink::SetStalled(bool stalled) {
  absl::MutexLock lock(&mutex_);
  stalled_ = stalled;
  (void)!::write(wake_pipe_[1], "x", 1);
}

void FlakyLink::SetThrottle(int64_t bytes_per_second) {
  absl::MutexLock lock(&mutex_);
  throttle_ = bytes_per_second;
}

void FlakyLink::CutAll() {
  absl::MutexLock lock(&mutex_);
  cut_now_ = true;
  (void)!::write(wake_pipe_[1], "x", 1);
}

void FlakyLink::CutAfter(int64_t bytes) {
  absl::MutexLock lock(&mutex_);
  budget_ = bytes;
}

void FlakyLink::Run() {
  std::vector<Pair> pairs;
  std::vector<int> swallowed;  // connections taken by the black hole
  std::vector<char> buffer(64 * 1024);
  auto cut_all = [&] {
    if (pairs.empty()) return;
    for (Pair& p : pairs) Close(p);
    pairs.clear();
    ++cuts_;
  };
  while (!stopping_) {
    bool stalled;
    {
      absl::MutexLock lock(&mutex_);
      stalled = stalled_;
    }
    std::vector<pollfd> fds;
    fds.push_back({wake_pipe_[0], POLLIN, 0});
    fds.push_back({listen_fd_, POLLIN, 0});
    // Stalled, the open connections are not read: what they carry waits in the sockets.
    const size_t polled = stalled ? 0 : pairs.size();  // pairs accepted below have no pollfd yet
    for (size_t i = 0; i < polled; ++i) {
      fds.push_back({pairs[i].device, POLLIN, 0});
      fds.push_back({pairs[i].server, POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), 200) < 0 && errno != EINTR) return;
    if (fds[0].revents & POLLIN) {
      char drain[64];
      while (::read(wake_pipe_[0], drain, sizeof drain) > 0) {
      }
    }
    {
      absl::MutexLock lock(&mutex_);
      if (cut_now_) {
        cut_now_ = false;
        cut_all();
        continue;
      }
    }
    if (fds[1].revents & POLLIN) {
      const int device = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      bool up;
      bool black_hole;
      {
        absl::MutexLock lock(&mutex_);
        up = up_;
        black_hole = black_hole_;
      }
      if (device >= 0 && black_hole) {
        swallowed.push_back(device);  // held open, never read, never answered
        ++black_holed_;
      } else if (device >= 0 && !up) {
        Pair refused{device, -1};
        Close(refused);
      } else if (device >= 0) {
        const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(upstream_port_));
        ::inet_pton(AF_INET, upstream_host_.c_str(), &addr.sin_addr);
        Pair pair{device, server};
        if (::connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
          Close(pair);
        } else {
          int one = 1;
          ::setsockopt(device, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          ::setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          pairs.push_back(pair);
        }
      }
    }
    bool cut = false;
    for (size_t i = 0; i < polled && !cut; ++i) {
      for (int side = 0; side < 2 && !cut; ++side) {
        const pollfd& pfd = fds[2 + 2 * i + static_cast<size_t>(side)];
        if (pfd.revents == 0) continue;
        const int from = side == 0 ? pairs[i].device : pairs[i].server;
        const int to = side == 0 ? pairs[i].server : pairs[i].device;
        const ssize_t n = ::recv(from, buffer.data(), buffer.size(), 0);
        if (n <= 0) {
          Close(pairs[i]);
          continue;
        }
        size_t pass = static_cast<size_t>(n);
        int64_t throttle = 0;
        {
          absl::MutexLock lock(&mutex_);
          throttle = throttle_;
          if (budget_ >= 0) {
            if (budget_ < n) {
              pass = static_cast<size_t>(budget_);
              cut = true;
              budget_ = -1;
            } else {
              budget_ -= n;
            }
          }
        }
        if (!WriteAll(to, buffer.data(), pass)) Close(pairs[i]);
        if (throttle > 0) absl::SleepFor(absl::Seconds(static_cast<double>(pass) / throttle));
      }
    }
    if (cut) cut_all();
    std::erase_if(pairs, [](const Pair& p) { return p.device < 0; });
  }
  for (Pair& p : pairs) Close(p);
  for (int fd : swallowed) ::close(fd);
}

}  // namespace mcrm::testing
