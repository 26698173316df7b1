// libedit for Swift: the REPL (issue "The shell") adds a non-variadic wrapper here for
// each el_set/history call it uses, because Swift cannot call C variadic functions.
#ifndef REGSH_CLIBEDIT_SHIM_H
#define REGSH_CLIBEDIT_SHIM_H
#include <stdio.h>
#include <histedit.h>
#endif
