/* Sentence features from an article's term counts and similarity graph, in C.
 *
 * graph_features() computes what newsml.ranking.features._graph_features
 * computes with numpy, column for column: PageRank (times the sentence
 * count), cosine to the rest of the article, cosine to the TF-IDF centroid,
 * novelty against the sentences before, content terms, shared terms,
 * frequency, and the rank shares of four of them. An article has a few dozen
 * sentences, so numpy's per-call cost, not the arithmetic, set the time; here
 * it is one call. Sums run in another order than numpy's and PageRank is
 * solved by Gaussian elimination instead of LAPACK, so values agree to within
 * 1e-12 (4e-15 on real articles), as numpy's own do between two processors'
 * BLAS (rank shares are rounded first for that reason). A test compares both.
 *
 * text_features() counts, per sentence, what four of the surface features'
 * regular expressions find (features._surface), with the same results.
 *
 * term_counts() builds the vocabulary and the term counts of an article's
 * sentences, their row norms and unit rows, as features.term_matrix did with
 * a dict and numpy. The counts are integers and a row's sum of squares stays
 * an exact float64 up to 2**53 (a sentence of some 94 million tokens, far past
 * the size limit on articles), so the norms and unit rows are the same to the
 * last bit whatever the order of the sums.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdlib.h>

/* Column order of the output, as _GRAPH_COLUMNS in features.py. */
enum { PAGERANK, LOO, CENTROID, NOVELTY, CONTENT, SHARED, FREQUENCY, RANK_LOO, RANK_PR, RANK_SHARED, RANK_FREQ, N_COLS };

/* Solve a x = b in place (a: n x n, row-major; b becomes x) by Gaussian
 * elimination with partial pivoting. Returns -1 for a singular matrix. */
static int
solve(double *a, double *b, Py_ssize_t n)
{
    for (Py_ssize_t col = 0; col < n; col++) {
        Py_ssize_t pivot = col;
        for (Py_ssize_t r = col + 1; r < n; r++)
            if (fabs(a[r * n + col]) > fabs(a[pivot * n + col]))
                pivot = r;
        if (a[pivot * n + col] == 0.0)
            return -1;
        if (pivot != col) {
            for (Py_ssize_t c = 0; c < n; c++) {
                double t = a[col * n + c];
                a[col * n + c] = a[pivot * n + c];
                a[pivot * n + c] = t;
            }
            double t = b[col];
            b[col] = b[pivot];
            b[pivot] = t;
        }
        for (Py_ssize_t r = col + 1; r < n; r++) {
            double f = a[r * n + col] / a[col * n + col];
            if (f == 0.0)
                continue;
            for (Py_ssize_t c = col; c < n; c++)
                a[r * n + c] -= f * a[col * n + c];
            b[r] -= f * b[col];
        }
    }
    for (Py_ssize_t r = n - 1; r >= 0; r--) {
        double s = b[r];
        for (Py_ssize_t c = r + 1; c < n; c++)
            s -= a[r * n + c] * b[c];
        b[r] = s / a[r * n + r];
    }
    return 0;
}

/* Rank of each value, highest first, as a share of n - 1 (0 = top), after
 * rounding to ``decimals`` as numpy.round does; ties go to the earlier value. */
static void
rank_shares(const double *values, Py_ssize_t stride, Py_ssize_t n, double scale, double *rounded, double *out,
            Py_ssize_t out_stride)
{
    const double denominator = n > 1 ? (double)(n - 1) : 1.0;
    for (Py_ssize_t i = 0; i < n; i++)
        rounded[i] = rint(values[i * stride] * scale) / scale;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t above = 0;
        for (Py_ssize_t j = 0; j < n; j++)
            above += rounded[j] > rounded[i] || (rounded[j] == rounded[i] && j < i);
        out[i * out_stride] = (double)above / denominator;
    }
}

PyDoc_STRVAR(graph_features_doc,
"graph_features(counts, norms, unit, similarity, damping, frequency_damping, rank_decimals, out)\n\n"
"Fill ``out`` (float64, sentences x 11) from an article's term counts (sentences x\n"
"terms), their row norms, the rows scaled to unit length and the cosine\n"
"similarity of the rows (zero diagonal), all float64 in C order.");

static PyObject *
graph_features(PyObject *self, PyObject *args)
{
    Py_buffer counts_buf, norms_buf, unit_buf, sim_buf, out_buf;
    double damping, frequency_damping;
    int rank_decimals;
    PyObject *result = NULL;
    double *work = NULL;

    if (!PyArg_ParseTuple(args, "y*y*y*y*ddiw*:graph_features", &counts_buf, &norms_buf, &unit_buf, &sim_buf,
                          &damping, &frequency_damping, &rank_decimals, &out_buf))
        return NULL;
    const Py_ssize_t n = norms_buf.len / (Py_ssize_t)sizeof(double);
    const Py_ssize_t width = n > 0 ? counts_buf.len / ((Py_ssize_t)sizeof(double) * n) : 0;
    if (n == 0 || counts_buf.len != n * width * (Py_ssize_t)sizeof(double) || unit_buf.len != counts_buf.len ||
        sim_buf.len != n * n * (Py_ssize_t)sizeof(double) || out_buf.len != n * N_COLS * (Py_ssize_t)sizeof(double) ||
        rank_decimals < 0 || rank_decimals > 15) {
        PyErr_SetString(PyExc_ValueError, "graph_features: arrays of inconsistent sizes");
        goto done;
    }
    const double *counts = counts_buf.buf, *norms = norms_buf.buf, *unit = unit_buf.buf, *sim = sim_buf.buf;
    double *out = out_buf.buf;
    /* totals, idf, centroid (width each), then the PageRank system (n * n + n). */
    work = PyMem_Malloc(sizeof(double) * (size_t)(3 * width + n * n + n));
    if (work == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    double *totals = work, *idf = work + width, *centroid = work + 2 * width;
    double *system = work + 3 * width, *rhs = system + n * n;

    /* PageRank of the similarity graph: sentences with no similar sentence link to all alike. */
    if (n == 1) {
        out[PAGERANK] = 1.0;
    } else {
        for (Py_ssize_t i = 0; i < n; i++) {
            double weight = 0.0;
            for (Py_ssize_t j = 0; j < n; j++)
                weight += sim[i * n + j];
            for (Py_ssize_t j = 0; j < n; j++) {
                double trans = weight > 0 ? sim[i * n + j] / weight : 1.0 / (double)n;
                /* (I - damping * trans^T): row j, column i. */
                system[j * n + i] = (i == j ? 1.0 : 0.0) - damping * trans;
            }
        }
        for (Py_ssize_t i = 0; i < n; i++)
            rhs[i] = (1.0 - damping) / (double)n;
        if (solve(system, rhs, n) < 0) {
            PyErr_SetString(PyExc_ValueError, "graph_features: the PageRank system is singular");
            goto done;
        }
        for (Py_ssize_t i = 0; i < n; i++)
            out[i * N_COLS + PAGERANK] = rhs[i] * (double)n;
    }

    double grand_total = 0.0;
    for (Py_ssize_t v = 0; v < width; v++) {
        double total = 0.0, document_frequency = 0.0;
        for (Py_ssize_t i = 0; i < n; i++) {
            total += counts[i * width + v];
            document_frequency += counts[i * width + v] > 0;
        }
        totals[v] = total;
        grand_total += total;
        idf[v] = log((double)(n + 1) / (document_frequency + 1.0)) + 1.0;
    }
    double centroid_norm = 0.0;
    for (Py_ssize_t v = 0; v < width; v++) {
        double c = 0.0;
        for (Py_ssize_t i = 0; i < n; i++)
            c += unit[i * width + v] * idf[v];
        centroid[v] = c;
        centroid_norm += c * c;
    }
    centroid_norm = sqrt(centroid_norm);

    for (Py_ssize_t i = 0; i < n; i++) {
        const double *row = counts + i * width, *unit_row = unit + i * width;
        double content = 0.0, overlap = 0.0, rest_norm = 0.0, dot = 0.0, weighted_norm = 0.0;
        for (Py_ssize_t v = 0; v < width; v++) {
            double rest = totals[v] - row[v], weighted = unit_row[v] * idf[v];
            content += row[v];
            overlap += row[v] * rest;
            rest_norm += rest * rest;
            dot += weighted * centroid[v];
            weighted_norm += weighted * weighted;
        }
        double *o = out + i * N_COLS;
        double loo_denominator = norms[i] * sqrt(rest_norm);
        o[LOO] = loo_denominator > 0 ? overlap / loo_denominator : 0.0;
        double centroid_denominator = sqrt(weighted_norm) * centroid_norm;
        o[CENTROID] = centroid_denominator > 0 ? dot / centroid_denominator : 0.0;
        double nearest = 0.0; /* similarities are >= 0: the numpy form takes the max with zeros */
        for (Py_ssize_t j = 0; j < i; j++)
            if (sim[i * n + j] > nearest)
                nearest = sim[i * n + j];
        o[NOVELTY] = i == 0 ? 1.0 : 1.0 - nearest;
        o[CONTENT] = content;
        o[SHARED] = overlap / (grand_total > 1.0 ? grand_total : 1.0);
        o[FREQUENCY] = overlap / pow(content > 1.0 ? content : 1.0, frequency_damping);
    }

    const double scale = pow(10.0, rank_decimals);
    rank_shares(out + LOO, N_COLS, n, scale, rhs, out + RANK_LOO, N_COLS); /* rhs: free again, n long */
    rank_shares(out + PAGERANK, N_COLS, n, scale, rhs, out + RANK_PR, N_COLS);
    rank_shares(out + SHARED, N_COLS, n, scale, rhs, out + RANK_SHARED, N_COLS);
    rank_shares(out + FREQUENCY, N_COLS, n, scale, rhs, out + RANK_FREQ, N_COLS);
    result = Py_NewRef(Py_None);

done:
    PyMem_Free(work);
    PyBuffer_Release(&counts_buf);
    PyBuffer_Release(&norms_buf);
    PyBuffer_Release(&unit_buf);
    PyBuffer_Release(&sim_buf);
    PyBuffer_Release(&out_buf);
    return result;
}

/* Python's regular expressions: \w is a letter, digit or underscore, \d a decimal digit. */
static inline int
is_word(Py_UCS4 ch)
{
    return Py_UNICODE_ISALNUM(ch) || ch == '_';
}

PyDoc_STRVAR(text_features_doc,
"text_features(texts, out)\n\n"
"Fill ``out`` (float64, len(texts) x 5) with, per text: whether it holds a double\n"
"quote (\", \u201c, \u201d); whether it starts with one or with ' (an empty text\n"
"counts, as text[:1] in a string does); its share of decimal digits (\\d);\n"
"its count of capitalised words that do not open it: the matches of\n"
"(?<!^)\\b[A-Z][a-z]+; and its count of words split at white space, as\n"
"len(text.split()).");

static PyObject *
text_features(PyObject *self, PyObject *args)
{
    PyObject *texts;
    Py_buffer out_buf;
    if (!PyArg_ParseTuple(args, "O!w*:text_features", &PyList_Type, &texts, &out_buf))
        return NULL;
    const Py_ssize_t n = PyList_GET_SIZE(texts);
    if (out_buf.len != n * 5 * (Py_ssize_t)sizeof(double)) {
        PyBuffer_Release(&out_buf);
        PyErr_SetString(PyExc_ValueError, "text_features: out must hold 5 values per text");
        return NULL;
    }
    double *out = out_buf.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *text = PyList_GET_ITEM(texts, i);
        if (!PyUnicode_Check(text)) {
            PyBuffer_Release(&out_buf);
            PyErr_SetString(PyExc_TypeError, "text_features: texts must be str");
            return NULL;
        }
        const int kind = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        const Py_ssize_t length = PyUnicode_GET_LENGTH(text);
        int quote = 0, in_word = 0;
        Py_ssize_t digits = 0, capitalised = 0, words = 0;
        for (Py_ssize_t p = 0; p < length; p++) {
            Py_UCS4 ch = PyUnicode_READ(kind, data, p);
            /* str.split() splits at the characters Py_UNICODE_ISSPACE accepts */
            if (Py_UNICODE_ISSPACE(ch)) {
                in_word = 0;
            } else if (!in_word) {
                in_word = 1;
                words++;
            }
            if (ch == '"' || ch == 0x201c || ch == 0x201d)
                quote = 1;
            if (Py_UNICODE_ISDECIMAL(ch))
                digits++;
            if (ch >= 'A' && ch <= 'Z' && p > 0 && p + 1 < length) {
                Py_UCS4 next = PyUnicode_READ(kind, data, p + 1);
                if (next >= 'a' && next <= 'z' && !is_word(PyUnicode_READ(kind, data, p - 1)))
                    capitalised++;
            }
        }
        Py_UCS4 first = length ? PyUnicode_READ(kind, data, 0) : 0;
        double *o = out + 5 * i;
        o[0] = quote;
        o[1] = length == 0 || first == '"' || first == 0x201c || first == '\'';
        o[2] = (double)digits / (double)(length > 1 ? length : 1);
        o[3] = (double)capitalised;
        o[4] = (double)words;
    }
    PyBuffer_Release(&out_buf);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(term_counts_doc,
"term_counts(token_lists) -> (vocabulary, counts, norms, unit)\n\n"
"The terms of each list numbered in order of first appearance (a dict), and,\n"
"as bytearrays of float64 for numpy.frombuffer: the counts (len(token_lists) x\n"
"max(len(vocabulary), 1), row-major), each row's Euclidean norm, and the rows\n"
"divided by their norm (rows of norm 0 stay 0).");

static PyObject *
term_counts(PyObject *self, PyObject *args)
{
    PyObject *lists;
    if (!PyArg_ParseTuple(args, "O!:term_counts", &PyList_Type, &lists))
        return NULL;
    const Py_ssize_t n = PyList_GET_SIZE(lists);
    /* Exact str tokens only: hashing and comparing them in the private dict
     * below runs no Python code, so nothing can change the lists meanwhile. */
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *tokens = PyList_GET_ITEM(lists, i);
        if (!PyList_Check(tokens)) {
            PyErr_SetString(PyExc_TypeError, "term_counts: token_lists must be a list of lists");
            return NULL;
        }
        for (Py_ssize_t j = 0; j < PyList_GET_SIZE(tokens); j++) {
            if (!PyUnicode_CheckExact(PyList_GET_ITEM(tokens, j))) {
                PyErr_SetString(PyExc_TypeError, "term_counts: tokens must be str");
                return NULL;
            }
        }
        total += PyList_GET_SIZE(tokens);
    }
    if (n > 0 && total > PY_SSIZE_T_MAX / (Py_ssize_t)sizeof(double) / n)
        return PyErr_NoMemory();
    PyObject *vocabulary = PyDict_New();
    Py_ssize_t *ids = PyMem_Malloc((total ? total : 1) * sizeof(Py_ssize_t));
    PyObject *counts = NULL, *norms = NULL, *unit = NULL;
    if (vocabulary == NULL || ids == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *tokens = PyList_GET_ITEM(lists, i);
        const Py_ssize_t m = PyList_GET_SIZE(tokens);
        for (Py_ssize_t j = 0; j < m; j++) {
            PyObject *token = PyList_GET_ITEM(tokens, j);
            PyObject *found = PyDict_GetItemWithError(vocabulary, token);
            if (found != NULL) {
                ids[k++] = PyLong_AsSsize_t(found);
                continue;
            }
            if (PyErr_Occurred())
                goto fail;
            const Py_ssize_t next = PyDict_GET_SIZE(vocabulary);
            PyObject *number = PyLong_FromSsize_t(next);
            if (number == NULL || PyDict_SetItem(vocabulary, token, number) < 0) {
                Py_XDECREF(number);
                goto fail;
            }
            Py_DECREF(number);
            ids[k++] = next;
        }
    }
    const Py_ssize_t size = PyDict_GET_SIZE(vocabulary);
    const Py_ssize_t width = size > 0 ? size : 1;
    counts = PyByteArray_FromStringAndSize(NULL, n * width * (Py_ssize_t)sizeof(double));
    norms = PyByteArray_FromStringAndSize(NULL, n * (Py_ssize_t)sizeof(double));
    unit = PyByteArray_FromStringAndSize(NULL, n * width * (Py_ssize_t)sizeof(double));
    if (counts == NULL || norms == NULL || unit == NULL)
        goto fail;
    double *c = (double *)PyByteArray_AS_STRING(counts);
    double *nr = (double *)PyByteArray_AS_STRING(norms);
    double *u = (double *)PyByteArray_AS_STRING(unit);
    for (Py_ssize_t q = 0; q < n * width; q++)
        c[q] = 0.0;
    k = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const Py_ssize_t m = PyList_GET_SIZE(PyList_GET_ITEM(lists, i));
        for (Py_ssize_t j = 0; j < m; j++)
            c[i * width + ids[k++]] += 1.0;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        double sum = 0.0;  /* of squared small integers: exact in any order */
        for (Py_ssize_t t = 0; t < width; t++)
            sum += c[i * width + t] * c[i * width + t];
        const double norm = sqrt(sum);
        const double divisor = norm > 0.0 ? norm : 1.0;
        nr[i] = norm;
        for (Py_ssize_t t = 0; t < width; t++)
            u[i * width + t] = c[i * width + t] / divisor;
    }
    PyMem_Free(ids);
    return Py_BuildValue("(NNNN)", vocabulary, counts, norms, unit);

fail:
    PyMem_Free(ids);
    Py_XDECREF(vocabulary);
    Py_XDECREF(counts);
    Py_XDECREF(norms);
    Py_XDECREF(unit);
    return NULL;
}

static PyMethodDef methods[] = {
    {"graph_features", graph_features, METH_VARARGS, graph_features_doc},
    {"text_features", text_features, METH_VARARGS, text_features_doc},
    {"term_counts", term_counts, METH_VARARGS, term_counts_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_features", "Sentence features of newsml.ranking.features, in C.", -1, methods,
};

PyMODINIT_FUNC
PyInit__features(void)
{
    return PyModule_Create(&module);
}
