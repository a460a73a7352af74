// The folder of the real server: POSIX calls on names under one directory, each new file
// made with O_EXCL and every open with O_NOFOLLOW, so no file is ever reached through a
// symlink someone planted.
#pragma once

#include <filesystem>

#include "server/file_copy.hpp"
#include "server/folder.hpp"

namespace postable {

class PosixFolder final : public Folder {
 public:
  // Opens the directory (for its syncs); throws std::runtime_error with a one-line reason.
  explicit PosixFolder(std::filesystem::path dir);
  ~PosixFolder() override;
  PosixFolder(const PosixFolder&) = delete;
  PosixFolder& operator=(const PosixFolder&) = delete;

  Handle create(const std::string& name) override;
  Handle open_existing(const std::string& name) override;
  bool append(Handle file, std::span<const std::string_view> parts) override;
  bool append_copy(Handle file, OutsideBytes from) override;
  bool truncate(Handle file, std::uint64_t size) override;
  int sync_data(Handle file) override;
  void close(Handle file) override;
  bool link(const std::string& from, const std::string& to) override;
  bool rename(const std::string& from, const std::string& to) override;
  bool remove(const std::string& name) override;
  int sync_folder() override;
  std::vector<std::string> names() override;
  std::optional<FileContent> read(const std::string& name) override;
  std::string last_error() const override { return last_error_; }

  const std::filesystem::path& path() const { return dir_; }
  int fd() const { return dir_fd_; }
  // How append_copy() moved its bytes (read by one thread once the appends are over).
  const CopyCounts& copies() const { return copies_; }

 private:
  bool failed(const std::string& what);  // records errno's text; returns false
  std::string at(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
  int dir_fd_ = -1;
  std::string last_error_;
  CopyCounts copies_;
};

}  // namespace postable
