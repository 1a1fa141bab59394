// SPDX-License-Identifier: MIT
// The memory of the local-socket sender's queues: items stay where they were put while
// the list grows, a list let go of gives its blocks back, and only a few are kept.
#include "transports/localsocket/queueblocks_p.h"

#include <QtCore/QByteArray>
#include <QtTest/QtTest>

#include <cstring>
#include <set>

using namespace XDMessagingPrivate;

namespace {

// Counts its destructions, and holds what a queued frame holds: a shared payload.
struct Item
{
    static inline int destroyed = 0;
    int number = 0;
    QByteArray payload;
    Item(int number, QByteArray payload) : number(number), payload(std::move(payload)) {}
    Item(Item &&) = default;
    ~Item() { ++destroyed; }
};

// Enough items to fill a few blocks.
constexpr int ItemsPerBlock = int(QueueBlock::CommonSize / qsizetype(sizeof(Item)));
constexpr int ManyItems = 3 * ItemsPerBlock + 7;

} // namespace

class tst_QueueBlocks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void itemsStayWhereTheyWerePut();
    void clearDestroysItemsAndReleasesPayloads();
    void aClearedListKeepsItsFirstBlock();
    void blocksComeBackFromTheSpares();
    void onlyAFewSpareBlocksAreKept();
    void aLargerBlockIsMappedAndNotKept();
    void movedListsKeepTheirItems();
    void bytePiecesFollowEachOtherInABlock();
};

void tst_QueueBlocks::itemsStayWhereTheyWerePut()
{
    SpareQueueBlocks spare;
    QueueBlockList<Item> list;
    list.push(Item(0, QByteArray("first")), spare);
    const Item *first = &list[0];
    for (int i = 1; i < ManyItems; ++i)
        list.push(Item(i, QByteArray::number(i)), spare);
    QCOMPARE(list.size(), size_t(ManyItems));
    QCOMPARE(&list[0], first); // appending moved nothing
    QCOMPARE(list[0].payload, QByteArray("first"));
    for (int i = 1; i < ManyItems; ++i) {
        QCOMPARE(list[size_t(i)].number, i);
        QCOMPARE(list[size_t(i)].payload, QByteArray::number(i));
    }
    QCOMPARE(list.back().number, ManyItems - 1);
    list.clear(spare);
}

void tst_QueueBlocks::clearDestroysItemsAndReleasesPayloads()
{
    SpareQueueBlocks spare;
    const QByteArray payload(1000, 'p');
    {
        QueueBlockList<Item> list;
        for (int i = 0; i < ManyItems; ++i)
            list.push(Item(i, payload), spare);
        QVERIFY(!payload.isDetached()); // shared with the items
        Item::destroyed = 0;
        list.clear(spare);
        QCOMPARE(Item::destroyed, ManyItems);
        QVERIFY(list.empty());
        QVERIFY(payload.isDetached());

        // Used again after a clear, and destroyed with what it holds then.
        list.push(Item(1, payload), spare);
        list.push(Item(2, payload), spare);
        Item::destroyed = 0;
    }
    QCOMPARE(Item::destroyed, 2);
    QVERIFY(payload.isDetached());
}

void tst_QueueBlocks::aClearedListKeepsItsFirstBlock()
{
    SpareQueueBlocks spare;
    QueueBlockList<Item> list;
    for (int i = 0; i < ManyItems; ++i)
        list.push(Item(i, QByteArray()), spare);
    const void *const first = &list[0];
    const void *const last = &list.back();
    list.clear(spare);
    list.push(Item(7, QByteArray()), spare);
    QCOMPARE(static_cast<const void *>(&list[0]), first); // no system call for a little at a time
    // The others went to the spares: the last given back comes out first.
    QueueBlock spareBlock = spare.take(QueueBlock::CommonSize);
    QVERIFY(spareBlock.data() <= last && last < spareBlock.data() + spareBlock.size());
    list.clear(spare);
}

void tst_QueueBlocks::blocksComeBackFromTheSpares()
{
    SpareQueueBlocks spare;
    QueueBlock block = spare.take(100);
    QCOMPARE(block.size(), QueueBlock::CommonSize);
    char *const data = block.data();
    data[0] = 'x';
    data[QueueBlock::CommonSize - 1] = 'y'; // the whole block is there to write
    spare.give(std::move(block));
    // Addresses, compared as such (QCOMPARE compares two char pointers as strings).
    QCOMPARE(static_cast<const void *>(spare.take(QueueBlock::CommonSize).data()), static_cast<const void *>(data));
}

void tst_QueueBlocks::onlyAFewSpareBlocksAreKept()
{
    // After a burst that took many blocks, only a few stay: the last ones given back
    // come out first; the others went back to the system, and new ones are mapped.
    SpareQueueBlocks spare;
    std::vector<QueueBlock> taken;
    for (int i = 0; i < 40; ++i)
        taken.push_back(spare.take(QueueBlock::CommonSize));
    std::vector<const void *> givenBack; // const void *: QCOMPARE compares two char * as strings
    for (QueueBlock &block : taken) {
        givenBack.push_back(block.data());
        spare.give(std::move(block));
    }
    taken.clear();
    std::vector<const void *> kept;
    for (int i = 0; i < 40; ++i) {
        QueueBlock block = spare.take(QueueBlock::CommonSize);
        kept.push_back(block.data());
        taken.push_back(std::move(block));
    }
    // The first taken again are the first that were kept, in reverse: the others were
    // not kept (their addresses may be the system's to hand out again, so only the kept
    // ones are compared).
    constexpr size_t Kept = SpareQueueBlocks::KeptBlocks;
    QVERIFY(Kept < 40);
    for (size_t i = 0; i < Kept; ++i)
        QCOMPARE(kept[i], givenBack[Kept - 1 - i]);
    const std::set<const void *> distinct(kept.cbegin(), kept.cend());
    QCOMPARE(distinct.size(), kept.size()); // no block handed out twice
}

void tst_QueueBlocks::aLargerBlockIsMappedAndNotKept()
{
    SpareQueueBlocks spare;
    spare.give(spare.take(QueueBlock::CommonSize));
    QueueBlock large = spare.take(QueueBlock::CommonSize + 1);
    QVERIFY(large.size() >= QueueBlock::CommonSize + 1);
    large.data()[large.size() - 1] = 'z';
    const void *const largeData = large.data();
    spare.give(std::move(large));
    // The common one kept before is what comes out, not the larger one.
    QueueBlock next = spare.take(10);
    QCOMPARE(next.size(), QueueBlock::CommonSize);
    QVERIFY(static_cast<const void *>(next.data()) != largeData);
}

void tst_QueueBlocks::movedListsKeepTheirItems()
{
    SpareQueueBlocks spare;
    QueueBlockList<Item> a;
    QueueBlockList<Item> b;
    for (int i = 0; i < ManyItems; ++i)
        a.push(Item(i, QByteArray::number(i)), spare);
    b.push(Item(-1, QByteArray("b")), spare);
    std::swap(a, b); // as the sender swaps a connection's batches
    QCOMPARE(a.size(), size_t(1));
    QCOMPARE(a[0].number, -1);
    QCOMPARE(b.size(), size_t(ManyItems));
    QCOMPARE(b[size_t(ManyItems - 1)].payload, QByteArray::number(ManyItems - 1));
    a.clear(spare);
    b.clear(spare);
}

void tst_QueueBlocks::bytePiecesFollowEachOtherInABlock()
{
    SpareQueueBlocks spare;
    QueueBlockBytes bytes;
    char *const first = bytes.extend(100, spare);
    std::memset(first, 'a', 100);
    char *const second = bytes.extend(200, spare);
    QCOMPARE(static_cast<const void *>(second), static_cast<const void *>(first + 100)); // one piece for sendmsg()
    std::memset(second, 'b', 200);
    // What does not fit in the rest of the block starts a new one; a piece larger than a
    // block gets one of its own.
    char *const third = bytes.extend(QueueBlock::CommonSize - 200, spare);
    QVERIFY(static_cast<const void *>(third) != static_cast<const void *>(second + 200));
    std::memset(third, 'c', size_t(QueueBlock::CommonSize - 200));
    char *const large = bytes.extend(QueueBlock::CommonSize + 10, spare);
    std::memset(large, 'd', size_t(QueueBlock::CommonSize + 10));
    QCOMPARE(first[99], 'a'); // nothing written over
    QCOMPARE(second[199], 'b');
    QCOMPARE(third[QueueBlock::CommonSize - 201], 'c');
    // Cleared, it starts again at its first block.
    bytes.clear(spare);
    QCOMPARE(static_cast<const void *>(bytes.extend(10, spare)), static_cast<const void *>(first));
    bytes.clear(spare);
}

QTEST_APPLESS_MAIN(tst_QueueBlocks)
#include "tst_queueblocks.moc"
