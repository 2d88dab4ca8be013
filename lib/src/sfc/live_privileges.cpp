// Giving up root once the capture handles are open: the open sockets keep working, nothing else may.
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "pktmap/error.hpp"
#include "pktmap/sfc/live.hpp"

namespace pktmap::sfc {

void drop_privileges(const std::string& user) {
  errno = 0;
  const passwd* pw = ::getpwnam(user.c_str());
  if (!pw) throw SetupError("--user " + user + ": no such user");
  const uid_t uid = pw->pw_uid;
  const gid_t gid = pw->pw_gid;
  // Supplementary groups first (needs root), then the group, then the user (after which nothing else can).
  if (::setgroups(1, &gid) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0)
    throw SetupError("--user " + user + ": cannot drop privileges: " + std::strerror(errno));
  if (uid != 0 && ::setuid(0) == 0) throw SetupError("--user " + user + ": root could be regained");
}

}  // namespace pktmap::sfc
