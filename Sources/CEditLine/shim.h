// libedit's native interface (histedit.h): line editing, history and completion hooks.
#include <stdio.h>
#include <histedit.h>
