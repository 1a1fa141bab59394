// SPDX-License-Identifier: MIT
#include "transports/localsocket/queueblocks_p.h"

#include <sys/mman.h>

namespace XDMessagingPrivate {

QueueBlock QueueBlock::map(qsizetype size)
{
    const qsizetype mapped = qMax(size, CommonSize);
    void *const data = ::mmap(nullptr, size_t(mapped), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (data == MAP_FAILED)
        throw std::bad_alloc();
    return {static_cast<char *>(data), mapped};
}

QueueBlock::QueueBlock(QueueBlock &&other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0))
{}

QueueBlock &QueueBlock::operator=(QueueBlock &&other) noexcept
{
    if (this != &other) {
        unmap();
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
    }
    return *this;
}

QueueBlock::~QueueBlock()
{
    unmap();
}

void QueueBlock::unmap()
{
    if (m_data)
        ::munmap(m_data, size_t(m_size));
    m_data = nullptr;
    m_size = 0;
}

QueueBlock SpareQueueBlocks::take(qsizetype size)
{
    if (size > QueueBlock::CommonSize || m_blocks.empty())
        return QueueBlock::map(size);
    QueueBlock block = std::move(m_blocks.back());
    m_blocks.pop_back();
    return block;
}

void SpareQueueBlocks::give(QueueBlock block)
{
    if (block.size() == QueueBlock::CommonSize && m_blocks.size() < KeptBlocks)
        m_blocks.push_back(std::move(block));
}

void keepFirstBlock(std::vector<QueueBlock> &blocks, SpareQueueBlocks &spare)
{
    for (size_t i = 1; i < blocks.size(); ++i)
        spare.give(std::move(blocks[i]));
    blocks.resize(qMin<size_t>(blocks.size(), 1));
}

char *QueueBlockBytes::extend(qsizetype size, SpareQueueBlocks &spare)
{
    if (m_blocks.empty() || m_lastBlockUsed + size > m_blocks.back().size()) {
        m_blocks.push_back(spare.take(size));
        m_lastBlockUsed = 0;
    }
    char *const at = m_blocks.back().data() + m_lastBlockUsed;
    m_lastBlockUsed += size;
    return at;
}

void QueueBlockBytes::clear(SpareQueueBlocks &spare)
{
    keepFirstBlock(m_blocks, spare);
    m_lastBlockUsed = 0;
}

} // namespace XDMessagingPrivate
