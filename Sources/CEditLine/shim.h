// libedit's native interface (histedit.h): line editing, history and completion hooks.
//
// el_set, el_get and history are C variadic functions, which Swift cannot call; the inline
// wrappers below give each use a fixed signature.
#include <stdio.h>
#include <histedit.h>

typedef char *(*exp_prompt_fn)(EditLine *);
typedef unsigned char (*exp_editor_fn)(EditLine *, int);

static inline int exp_el_set_prompt(EditLine *el, exp_prompt_fn f) { return el_set(el, EL_PROMPT, f); }
static inline int exp_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
static inline int exp_el_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }
static inline int exp_el_bind(EditLine *el, const char *key, const char *command) {
    return el_set(el, EL_BIND, key, command, (const char *)NULL);
}
static inline int exp_el_add_function(EditLine *el, const char *name, const char *help, exp_editor_fn f) {
    return el_set(el, EL_ADDFN, name, help, f);
}
static inline int exp_el_set_getc(EditLine *el, el_rfunc_t f) { return el_set(el, EL_GETCFN, f); }
static inline int exp_el_set_history(EditLine *el, History *h) { return el_set(el, EL_HIST, history, h); }
static inline int exp_el_set_client_data(EditLine *el, void *data) { return el_set(el, EL_CLIENTDATA, data); }
static inline void *exp_el_get_client_data(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}

static inline int exp_history_set_size(History *h, HistEvent *ev, int n) { return history(h, ev, H_SETSIZE, n); }
static inline int exp_history_set_unique(History *h, HistEvent *ev, int on) { return history(h, ev, H_SETUNIQUE, on); }
static inline int exp_history_enter(History *h, HistEvent *ev, const char *line) { return history(h, ev, H_ENTER, line); }
static inline int exp_history_load(History *h, HistEvent *ev, const char *path) { return history(h, ev, H_LOAD, path); }
static inline int exp_history_save(History *h, HistEvent *ev, const char *path) { return history(h, ev, H_SAVE, path); }
