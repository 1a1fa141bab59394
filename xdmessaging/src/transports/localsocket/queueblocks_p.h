// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QtGlobal>

#include <cstddef>
#include <new>
#include <utility>
#include <vector>

namespace XDMessagingPrivate {

// Memory for a sender's queues, mapped from the system a block at a time. A queue that
// grows adds a block and moves nothing it holds (one buffer that doubled copied all of
// it at every doubling), and a block let go of goes back to the system unless kept
// spare: a burst does not keep its peak. The heap would keep most of it, in pieces freed
// between others still in use.
class QueueBlock
{
public:
    static constexpr qsizetype CommonSize = 64 * 1024;
    // At least size bytes, CommonSize unless more; throws std::bad_alloc when the system
    // has none, as new does.
    static QueueBlock map(qsizetype size);
    QueueBlock() = default;
    QueueBlock(QueueBlock &&other) noexcept;
    QueueBlock &operator=(QueueBlock &&other) noexcept;
    ~QueueBlock();
    char *data() const { return m_data; }
    qsizetype size() const { return m_size; }

private:
    QueueBlock(char *data, qsizetype size) : m_data(data), m_size(size) {}
    void unmap();
    char *m_data = nullptr;
    qsizetype m_size = 0;
};

// Blocks let go of, for the next to take: a sender that writes as fast as its listeners
// read goes round the same few, and maps (and has the kernel fault in) only what its
// queues grow by. Not thread-safe.
class SpareQueueBlocks
{
public:
    static constexpr size_t KeptBlocks = 32; // 2 MiB
    // At least size bytes: a spare block, unless it is larger than they are.
    QueueBlock take(qsizetype size);
    // Kept unless enough are, or it is not of the common size.
    void give(QueueBlock block);

private:
    std::vector<QueueBlock> m_blocks;
};

// Gives all blocks but the first to spare. A queue that holds a little at a time then
// uses the same block over and over, without a system call: sharing the spares, many
// such queues at once would map and unmap blocks all the time. One block of each queue
// of a connection stays with it (mapped, its pages in use as far as they were used).
void keepFirstBlock(std::vector<QueueBlock> &blocks, SpareQueueBlocks &spare);

// Pieces of bytes back to back, in blocks: one of the common size unless a piece needs
// more. Appending moves none of them.
class QueueBlockBytes
{
public:
    // Room for size more bytes, uninitialized, after the pieces before.
    char *extend(qsizetype size, SpareQueueBlocks &spare);
    // Keeps the first block (see keepFirstBlock()).
    void clear(SpareQueueBlocks &spare);

private:
    std::vector<QueueBlock> m_blocks; // the last one is appended to
    qsizetype m_lastBlockUsed = 0;
};

// Items in order, in blocks of the common size: appending moves none of them.
template<typename T>
class QueueBlockList
{
public:
    QueueBlockList() = default;
    QueueBlockList(QueueBlockList &&other) noexcept
        : m_blocks(std::move(other.m_blocks)), m_count(std::exchange(other.m_count, 0))
    {}
    QueueBlockList &operator=(QueueBlockList &&other) noexcept
    {
        destroyAll();
        m_blocks = std::move(other.m_blocks);
        m_count = std::exchange(other.m_count, 0);
        return *this;
    }
    ~QueueBlockList() { destroyAll(); }

    size_t size() const { return m_count; }
    bool empty() const { return m_count == 0; }
    T &operator[](size_t index) { return *item(index); }
    const T &operator[](size_t index) const { return *item(index); }
    T &back() { return *item(m_count - 1); }
    void push(T &&value, SpareQueueBlocks &spare)
    {
        if (m_count == m_blocks.size() * PerBlock)
            m_blocks.push_back(spare.take(QueueBlock::CommonSize));
        new (m_blocks.back().data() + (m_count % PerBlock) * sizeof(T)) T(std::move(value));
        ++m_count;
    }
    // Keeps the first block (see keepFirstBlock()).
    void clear(SpareQueueBlocks &spare)
    {
        destroyAll();
        keepFirstBlock(m_blocks, spare);
    }

private:
    static constexpr size_t PerBlock = size_t(QueueBlock::CommonSize) / sizeof(T);
    static_assert(alignof(T) <= alignof(std::max_align_t));
    T *item(size_t index) const
    {
        return std::launder(reinterpret_cast<T *>(m_blocks[index / PerBlock].data() + (index % PerBlock) * sizeof(T)));
    }
    void destroyAll()
    {
        for (size_t i = 0; i < m_count; ++i)
            item(i)->~T();
        m_count = 0;
    }
    std::vector<QueueBlock> m_blocks;
    size_t m_count = 0;
};

} // namespace XDMessagingPrivate
