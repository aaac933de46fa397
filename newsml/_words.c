/* The words of text, as newsml.preprocess.words finds them with a regular expression.
 *
 * words(text) returns what re.findall(r"[0-9a-z]+(?:['.\-][0-9a-z]+)*", text)
 * returns for an ASCII str: runs of digits and lower-case letters, joined by
 * an apostrophe, period or hyphen that has such a run on both sides ("don't",
 * "high-speed", "u.s"). One pass over the text, without the regex engine's
 * per-position work: about a quarter of findall's time on news sentences.
 * unicode_words(text) does the same for any str, with Unicode letters and
 * digits. newsml.preprocess.words uses them when this module is built, and the
 * patterns otherwise; property tests check that both give the same words.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

static inline int
is_word_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static inline int
is_joiner(unsigned char c)
{
    return c == '\'' || c == '.' || c == '-';
}

PyDoc_STRVAR(words_doc,
"words(text)\n\n"
"The words of an ASCII str: re.findall(r\"[0-9a-z]+(?:['.\\-][0-9a-z]+)*\", text).\n"
"ValueError for text that is not ASCII.");

static PyObject *
words(PyObject *self, PyObject *arg)
{
    if (!PyUnicode_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "words() takes a str, not %.100s", Py_TYPE(arg)->tp_name);
        return NULL;
    }
    if (!PyUnicode_IS_ASCII(arg)) {
        PyErr_SetString(PyExc_ValueError, "words() takes ASCII text only");
        return NULL;
    }
    const unsigned char *s = PyUnicode_1BYTE_DATA(arg);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    Py_ssize_t i = 0;
    while (i < n) {
        if (!is_word_char(s[i])) {
            i++;
            continue;
        }
        const Py_ssize_t start = i;
        for (;;) {
            while (i < n && is_word_char(s[i]))
                i++;
            /* A joiner continues the word only when a word character follows it. */
            if (i + 1 < n && is_joiner(s[i]) && is_word_char(s[i + 1]))
                i++;
            else
                break;
        }
        PyObject *word = PyUnicode_New(i - start, 127);
        if (word == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        memcpy(PyUnicode_1BYTE_DATA(word), s + start, (size_t)(i - start));
        int failed = PyList_Append(out, word);
        Py_DECREF(word);
        if (failed) {
            Py_DECREF(out);
            return NULL;
        }
    }
    return out;
}

static inline int
is_unicode_word_char(Py_UCS4 c)
{
    if (c < 128)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    /* What the regex engine's [^\W_] tests for a str pattern. */
    return Py_UNICODE_ISALNUM(c);
}

static inline int
is_unicode_joiner(Py_UCS4 c)
{
    return c == '\'' || c == '.' || c == '-' || c == 0x2019;
}

PyDoc_STRVAR(unicode_words_doc,
"unicode_words(text)\n\n"
"The words of any str: re.findall(r\"[^\\W_]+(?:['\\u2019.\\-][^\\W_]+)*\", text).");

/* The same scan as words() for text of any kind: Unicode letters and digits,
 * and the typographic apostrophe as a joiner. News text that is not ASCII
 * (a pound sign, curly quotes, a dash) is common: the regular expression
 * took about five times as long per word. */
static PyObject *
unicode_words(PyObject *self, PyObject *arg)
{
    if (!PyUnicode_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "unicode_words() takes a str, not %.100s", Py_TYPE(arg)->tp_name);
        return NULL;
    }
    const int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    Py_ssize_t i = 0;
    while (i < n) {
        if (!is_unicode_word_char(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        const Py_ssize_t start = i;
        for (;;) {
            while (i < n && is_unicode_word_char(PyUnicode_READ(kind, data, i)))
                i++;
            if (i + 1 < n && is_unicode_joiner(PyUnicode_READ(kind, data, i))
                && is_unicode_word_char(PyUnicode_READ(kind, data, i + 1)))
                i++;
            else
                break;
        }
        PyObject *word = PyUnicode_Substring(arg, start, i);
        if (word == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        int failed = PyList_Append(out, word);
        Py_DECREF(word);
        if (failed) {
            Py_DECREF(out);
            return NULL;
        }
    }
    return out;
}

static PyMethodDef methods[] = {
    {"words", words, METH_O, words_doc},
    {"unicode_words", unicode_words, METH_O, unicode_words_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_words", "The words of text, in C, for newsml.preprocess.words.", -1, methods,
};

PyMODINIT_FUNC
PyInit__words(void)
{
    return PyModule_Create(&module);
}
