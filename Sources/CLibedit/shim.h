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
#include <locale.h>
#include <histedit.h>
#include <editline/readline.h>

// MARK: Ctrl-C

// Set by SIGINT; the REPL takes it after readline() returns NULL to tell a cancelled line
// from end of input.
static volatile sig_atomic_t regsh_interrupted = 0;

static inline void regsh_on_sigint(int signo) {
  (void)signo;
  regsh_interrupted = 1;
}

// Installs the SIGINT handler without SA_RESTART, so a blocked read() in libedit returns
// EINTR and readline() gives up the line instead of the process ending.
static inline void regsh_install_sigint_handler(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = regsh_on_sigint;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  sigaction(SIGINT, &action, NULL);
}

// Whether Ctrl-C was pressed since the last call; clears the flag.
static inline int regsh_take_interrupt(void) {
  int was = regsh_interrupted;
  regsh_interrupted = 0;
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
