#include "sink/encode/flac_tags_patch.hpp"

#include <FLAC/metadata.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

namespace simvx {
namespace {

// libFLAC's I/O callbacks on the file's descriptor, at a position of our own.
struct Handle {
    int fd;
    int64_t at = 0;
    int64_t size;
};

size_t on_read(void* ptr, size_t size, size_t n, FLAC__IOHandle h) {
    auto* f = static_cast<Handle*>(h);
    const ssize_t got = ::pread(f->fd, ptr, size * n, f->at);
    if (got <= 0 || size == 0) return 0;
    f->at += got;
    return static_cast<size_t>(got) / size;
}
size_t on_write(const void* ptr, size_t size, size_t n, FLAC__IOHandle h) {
    auto* f = static_cast<Handle*>(h);
    const ssize_t put = ::pwrite(f->fd, ptr, size * n, f->at);
    if (put <= 0 || size == 0) return 0;
    f->at += put;
    return static_cast<size_t>(put) / size;
}
int on_seek(FLAC__IOHandle h, FLAC__int64 offset, int whence) {
    auto* f = static_cast<Handle*>(h);
    const int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? f->at : f->size;
    if (base + offset < 0) return -1;
    f->at = base + offset;
    return 0;
}
FLAC__int64 on_tell(FLAC__IOHandle h) { return static_cast<Handle*>(h)->at; }
int on_eof(FLAC__IOHandle h) {
    const auto* f = static_cast<Handle*>(h);
    return f->at >= f->size;
}

struct ChainDeleter {
    void operator()(FLAC__Metadata_Chain* c) const { FLAC__metadata_chain_delete(c); }
};
struct IteratorDeleter {
    void operator()(FLAC__Metadata_Iterator* i) const { FLAC__metadata_iterator_delete(i); }
};

}  // namespace

void add_flac_comments(const FilePatch& file, const Tags& tags) {
    Handle handle{file.descriptor(), 0, static_cast<int64_t>(file.size())};
    const FLAC__IOCallbacks io{on_read, on_write, on_seek, on_tell, on_eof, nullptr};
    std::unique_ptr<FLAC__Metadata_Chain, ChainDeleter> chain(FLAC__metadata_chain_new());
    std::unique_ptr<FLAC__Metadata_Iterator, IteratorDeleter> it(FLAC__metadata_iterator_new());
    if (!chain || !it) file.fail("cannot tag the file (out of memory)");
    auto failed = [&](const char* doing) {
        file.fail(std::string("cannot tag the file: ") + doing + ": " +
                  FLAC__Metadata_ChainStatusString[FLAC__metadata_chain_status(chain.get())]);
    };
    if (!FLAC__metadata_chain_read_with_callbacks(chain.get(), &handle, io)) failed("reading its metadata");
    FLAC__metadata_iterator_init(it.get(), chain.get());
    while (FLAC__metadata_iterator_get_block_type(it.get()) != FLAC__METADATA_TYPE_VORBIS_COMMENT)
        if (!FLAC__metadata_iterator_next(it.get())) file.fail("cannot tag the file: it has no VORBIS_COMMENT block");
    FLAC__StreamMetadata* comments = FLAC__metadata_iterator_get_block(it.get());
    for (const Tag& t : tags) {
        FLAC__StreamMetadata_VorbisComment_Entry entry;
        if (!FLAC__metadata_object_vorbiscomment_entry_from_name_value_pair(&entry, t.key.c_str(), t.value.c_str()) ||
            !FLAC__metadata_object_vorbiscomment_append_comment(comments, entry, false))
            file.fail("cannot write the tag " + t.key);
    }
    FLAC__metadata_chain_sort_padding(chain.get());
    // The padding the encoder left takes the tags: nothing after it moves.
    if (FLAC__metadata_chain_check_if_tempfile_needed(chain.get(), true))
        file.fail("cannot tag the file: the tags do not fit in the padding kept for them");
    handle.at = 0;
    if (!FLAC__metadata_chain_write_with_callbacks(chain.get(), true, &handle, io)) failed("writing its metadata");
}

}  // namespace simvx
