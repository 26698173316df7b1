// libedit for Swift. Swift cannot call C variadic functions, and Swift 6 rejects reading
// or writing libedit's mutable globals, so the REPL goes through the static inline
// wrappers below: one per variadic call and one setter/getter per global it uses.
// (A system library target has no C sources of its own, hence everything inline here.)
#ifndef REGSH_CLIBEDIT_SHIM_H
#define REGSH_CLIBEDIT_SHIM_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <errno.h>
#include <unistd.h>
#include <fcntl.h>
#include <poll.h>
#include <locale.h>
#include <histedit.h>
#include <editline/readline.h>

// MARK: Ctrl-C

// The state below is shared by the signal handlers and by the functions Swift calls, so
// there must be exactly one of each in the process. `static` would give one per LLVM module
// that uses them: Swift emits these inline functions into every module that calls them,
// and a release build (whole-module optimisation, one LLVM module per thread) inlines
// LineEditor's calls into REPL.swift, whose own copy of the flag never saw SIGINT, so
// Ctrl-C at the prompt read as end of input and the shell exited 0. Weak definitions are
// emitted wherever they are used and merged into one by the linker.

// Set by SIGINT; the REPL takes it after readline() returns NULL to tell a cancelled line
// from end of input.
__attribute__((weak)) volatile sig_atomic_t regsh_interrupted = 0;
// The signal may land on any of the process's threads, not the one blocked in read(), so
// the handler also writes to this pipe, which regsh_getc polls beside the terminal.
__attribute__((weak)) int regsh_sigint_pipe[2] = {-1, -1};
// libedit's own signal handling is off (see LineEditor), so a resize is passed on by hand.
__attribute__((weak)) volatile sig_atomic_t regsh_resized = 0;

static inline void regsh_on_sigwinch(int signo) {
  (void)signo;
  int saved = errno;
  regsh_resized = 1;
  if (regsh_sigint_pipe[1] >= 0) (void)!write(regsh_sigint_pipe[1], "", 1);
  errno = saved;
}

static inline void regsh_on_sigint(int signo) {
  (void)signo;
  int saved = errno;
  regsh_interrupted = 1;
  if (regsh_sigint_pipe[1] >= 0) (void)!write(regsh_sigint_pipe[1], "", 1);
  errno = saved;
}

// Installs the SIGINT handler without SA_RESTART, so a blocked read() in libedit returns
// EINTR and readline() gives up the line instead of the process ending.
static inline void regsh_install_sigint_handler(void) {
  if (regsh_sigint_pipe[0] < 0 && pipe(regsh_sigint_pipe) == 0) {
    for (int i = 0; i < 2; i++) {
      fcntl(regsh_sigint_pipe[i], F_SETFL, fcntl(regsh_sigint_pipe[i], F_GETFL) | O_NONBLOCK);
      fcntl(regsh_sigint_pipe[i], F_SETFD, FD_CLOEXEC);
    }
  }
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = regsh_on_sigint;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  sigaction(SIGINT, &action, NULL);
  action.sa_handler = regsh_on_sigwinch;
  sigaction(SIGWINCH, &action, NULL);
}

// rl_getc_function: one character from the terminal, as a Unicode code point. A Ctrl-C
// makes it report end of input, so readline() returns NULL and the REPL drops the line
// (libedit itself would retry the interrupted read and keep the line). libedit stores the
// returned int as one wchar_t, so the UTF-8 sequence is decoded here.
static inline int regsh_getc(FILE *stream) {
  int fd = fileno(stream);
  unsigned char bytes[4];
  int need = 1, have = 0;
  while (have < need) {
    if (have == 0) {
      struct pollfd fds[2] = {{fd, POLLIN, 0}, {regsh_sigint_pipe[0], POLLIN, 0}};
      int ready = poll(fds, regsh_sigint_pipe[0] >= 0 ? 2 : 1, -1);
      if (ready < 0 && errno != EINTR) return -1;
      if (ready > 0 && (fds[1].revents & POLLIN)) {
        char drain[64];
        while (read(regsh_sigint_pipe[0], drain, sizeof drain) > 0) {}
      }
      if (regsh_interrupted) return -1;
      if (regsh_resized) {
        regsh_resized = 0;
        rl_resize_terminal();
        continue;
      }
      if (ready <= 0 || !(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    }
    ssize_t n = read(fd, bytes + have, 1);
    if (n == 1) {
      if (have == 0) {
        if (bytes[0] >= 0xF0) need = 4;
        else if (bytes[0] >= 0xE0) need = 3;
        else if (bytes[0] >= 0xC0) need = 2;
      } else if ((bytes[have] & 0xC0) != 0x80) {
        return 0xFFFD;  // a broken sequence
      }
      have += 1;
      continue;
    }
    if (n < 0 && errno == EINTR && !regsh_interrupted) continue;
    return -1;
  }
  switch (need) {
  case 1: return bytes[0];
  case 2: return ((bytes[0] & 0x1F) << 6) | (bytes[1] & 0x3F);
  case 3: return ((bytes[0] & 0x0F) << 12) | ((bytes[1] & 0x3F) << 6) | (bytes[2] & 0x3F);
  default:
    return ((bytes[0] & 0x07) << 18) | ((bytes[1] & 0x3F) << 12) | ((bytes[2] & 0x3F) << 6)
      | (bytes[3] & 0x3F);
  }
}

static inline void regsh_rl_use_getc(void) { rl_getc_function = regsh_getc; }

// Whether Ctrl-C was pressed, leaving the flag set.
static inline int regsh_interrupt_pending(void) { return regsh_interrupted; }

// Whether Ctrl-C was pressed since the last call; clears the flag.
static inline int regsh_take_interrupt(void) {
  int was = regsh_interrupted;
  regsh_interrupted = 0;
  char drain[64];
  if (regsh_sigint_pipe[0] >= 0) {
    while (read(regsh_sigint_pipe[0], drain, sizeof drain) > 0) {}
  }
  return was;
}

// MARK: readline-compatible globals

static inline void regsh_rl_set_readline_name(const char *name) { rl_readline_name = name; }

static inline void regsh_rl_set_completion(rl_completion_func_t *function) {
  rl_attempted_completion_function = function;
}

// Called from the completion callback: no filename completion when we found nothing.
static inline void regsh_rl_set_attempted_completion_over(int over) {
  rl_attempted_completion_over = over;
}

static inline void regsh_rl_set_word_break_characters(const char *characters) {
  rl_basic_word_break_characters = characters;
  rl_completer_word_break_characters = (char *)characters;
}

static inline void regsh_rl_set_completion_append_character(int character) {
  rl_completion_append_character = character;
}

static inline void regsh_rl_set_catch_signals(int catch_signals) {
  rl_catch_signals = catch_signals;
}

// The line being edited, up to the cursor (a copy the caller frees).
static inline char *regsh_rl_line_before_point(void) {
  if (rl_line_buffer == NULL) return strdup("");
  size_t length = strlen(rl_line_buffer);
  size_t point = rl_point < 0 ? 0 : (size_t)rl_point;
  if (point > length) point = length;
  char *copy = malloc(point + 1);
  if (copy == NULL) return NULL;
  memcpy(copy, rl_line_buffer, point);
  copy[point] = '\0';
  return copy;
}

static inline int regsh_history_base(void) { return history_base; }
static inline int regsh_history_length(void) { return history_length; }

// MARK: histedit history (reading the history file outside the REPL, without a terminal)

static inline int regsh_history_load(History *h, HistEvent *event, const char *path) {
  return history(h, event, H_LOAD, path);
}

static inline int regsh_history_set_size(History *h, HistEvent *event, int size) {
  return history(h, event, H_SETSIZE, size);
}

static inline int regsh_history_last(History *h, HistEvent *event) {
  return history(h, event, H_LAST);
}

static inline int regsh_history_prev(History *h, HistEvent *event) {
  return history(h, event, H_PREV);
}

#endif
