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
 * char_counts(text) counts the digits and the symbols (neither letter, digit
 * nor white space) of a text, for the block features of page cleaning.
 * known_terms(words, table) maps words to their index terms through the
 * table newsml.preprocess.words.terms fills, when every word is in it.
 * split_count(texts) and control_count(text) count what str.split() and the
 * binary-text check of newsml.reading count.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

/* ASCII mode: words of [0-9a-z] joined by ' . -, as the ASCII pattern.
 * Unicode mode: words of Unicode letters and digits (what the regex engine's
 * [^\W_] tests for a str pattern), the typographic apostrophe a joiner too. */
static inline int
is_word_char(int ascii, Py_UCS4 c)
{
    if (c < 128)
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (!ascii && c >= 'A' && c <= 'Z');
    return !ascii && Py_UNICODE_ISALNUM(c);
}

static inline int
is_joiner(int ascii, Py_UCS4 c)
{
    return c == '\'' || c == '.' || c == '-' || (!ascii && c == 0x2019);
}

static inline Py_UCS4
char_at(int ascii, int kind, const void *data, Py_ssize_t i)
{
    return ascii ? ((const Py_UCS1 *)data)[i] : PyUnicode_READ(kind, data, i);
}

/* The one scan behind both functions: runs of word characters, joined by a
 * joiner that has a word character on both sides. Inlined with a constant
 * ``ascii``, so that the ASCII scan reads bytes and copies them (about a fifth
 * faster than the general one on ASCII news text). */
static inline PyObject *
scan(PyObject *text, int ascii)
{
    const int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    Py_ssize_t i = 0;
    while (i < n) {
        if (!is_word_char(ascii, char_at(ascii, kind, data, i))) {
            i++;
            continue;
        }
        const Py_ssize_t start = i;
        for (;;) {
            while (i < n && is_word_char(ascii, char_at(ascii, kind, data, i)))
                i++;
            /* A joiner continues the word only when a word character follows it. */
            if (i + 1 < n && is_joiner(ascii, char_at(ascii, kind, data, i))
                && is_word_char(ascii, char_at(ascii, kind, data, i + 1)))
                i++;
            else
                break;
        }
        PyObject *word;
        if (ascii) {
            word = PyUnicode_New(i - start, 127);
            if (word != NULL)
                memcpy(PyUnicode_1BYTE_DATA(word), (const Py_UCS1 *)data + start, (size_t)(i - start));
        }
        else {
            word = PyUnicode_Substring(text, start, i);
        }
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
    return scan(arg, 1);
}

PyDoc_STRVAR(unicode_words_doc,
"unicode_words(text)\n\n"
"The words of any str: re.findall(r\"[^\\W_]+(?:['\\u2019.\\-][^\\W_]+)*\", text).");

/* News text that is not ASCII (a pound sign, curly quotes, a dash) is common:
 * the regular expression took about five times as long per word. */
static PyObject *
unicode_words(PyObject *self, PyObject *arg)
{
    if (!PyUnicode_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "unicode_words() takes a str, not %.100s", Py_TYPE(arg)->tp_name);
        return NULL;
    }
    return scan(arg, 0);
}

PyDoc_STRVAR(char_counts_doc,
"char_counts(text)\n\n"
"(digits, symbols) of a str: the characters for which str.isdigit() is true,\n"
"and those for which neither str.isalnum() nor str.isspace() is.");

static PyObject *
char_counts(PyObject *self, PyObject *arg)
{
    if (!PyUnicode_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "char_counts() takes a str, not %.100s", Py_TYPE(arg)->tp_name);
        return NULL;
    }
    const int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    const Py_ssize_t length = PyUnicode_GET_LENGTH(arg);
    Py_ssize_t digits = 0, symbols = 0;
    for (Py_ssize_t i = 0; i < length; i++) {
        const Py_UCS4 c = PyUnicode_READ(kind, data, i);
        digits += Py_UNICODE_ISDIGIT(c) != 0;
        symbols += !(Py_UNICODE_ISALNUM(c) || Py_UNICODE_ISSPACE(c));
    }
    return Py_BuildValue("(nn)", digits, symbols);
}

PyDoc_STRVAR(known_terms_doc,
"known_terms(words, table)\n\n"
"[table[w] for w in words if table[w] != \"\"] when every word is an exact str\n"
"and a key of the dict table, else None (a word met for the first time, which\n"
"the caller works out).");

static PyObject *
known_terms(PyObject *self, PyObject *args)
{
    PyObject *words, *table;
    if (!PyArg_ParseTuple(args, "O!O!:known_terms", &PyList_Type, &words, &PyDict_Type, &table))
        return NULL;
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    /* The list's length is read on every pass and the word and its term are
     * held while in use: a lookup can run Python code (a key's __eq__). */
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(words); i++) {
        PyObject *word = PyList_GET_ITEM(words, i);
        if (!PyUnicode_CheckExact(word)) {
            Py_DECREF(out);
            Py_RETURN_NONE;
        }
        Py_INCREF(word);
        PyObject *term = PyDict_GetItemWithError(table, word);
        Py_XINCREF(term);
        Py_DECREF(word);
        if (term == NULL) {
            Py_DECREF(out);
            if (PyErr_Occurred())
                return NULL;
            Py_RETURN_NONE;
        }
        if (!(PyUnicode_Check(term) && PyUnicode_GET_LENGTH(term) == 0) && PyList_Append(out, term) < 0) {
            Py_DECREF(term);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(term);
    }
    return out;
}

PyDoc_STRVAR(split_count_doc,
"split_count(texts)\n\n"
"sum(len(t.split()) for t in texts): the words of a list of str, split at white space.");

static PyObject *
split_count(PyObject *self, PyObject *arg)
{
    if (!PyList_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "split_count() takes a list, not %.100s", Py_TYPE(arg)->tp_name);
        return NULL;
    }
    Py_ssize_t words = 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(arg); i++) {
        PyObject *text = PyList_GET_ITEM(arg, i);
        if (!PyUnicode_Check(text)) {
            PyErr_SetString(PyExc_TypeError, "split_count() takes a list of str");
            return NULL;
        }
        const int kind = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        int in_word = 0;
        for (Py_ssize_t p = 0; p < PyUnicode_GET_LENGTH(text); p++) {
            if (Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, p))) {
                in_word = 0;
            } else if (!in_word) {
                in_word = 1;
                words++;
            }
        }
    }
    return PyLong_FromSsize_t(words);
}

PyDoc_STRVAR(control_count_doc,
"control_count(text)\n\n"
"The characters of a str in U+0000-U+0008 and U+000E-U+001F: control\n"
"characters other than tab, line breaks and form feeds.");

static PyObject *
control_count(PyObject *self, PyObject *arg)
{
    if (!PyUnicode_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "control_count() takes a str, not %.100s", Py_TYPE(arg)->tp_name);
        return NULL;
    }
    const int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    Py_ssize_t count = 0;
    for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(arg); i++) {
        const Py_UCS4 c = PyUnicode_READ(kind, data, i);
        count += c <= 0x08 || (c >= 0x0e && c <= 0x1f);
    }
    return PyLong_FromSsize_t(count);
}

static PyMethodDef methods[] = {
    {"words", words, METH_O, words_doc},
    {"unicode_words", unicode_words, METH_O, unicode_words_doc},
    {"char_counts", char_counts, METH_O, char_counts_doc},
    {"known_terms", known_terms, METH_VARARGS, known_terms_doc},
    {"split_count", split_count, METH_O, split_count_doc},
    {"control_count", control_count, METH_O, control_count_doc},
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
