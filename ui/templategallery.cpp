#include "templategallery.h"
#include "i18n.h"

#include "autolayout.h"

#include "torchwright/datasetformat.h"
#include "torchwright/layers.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileInfo>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

// The resources live in the torchwright_ui static library: nothing else references them, so they
// are registered here before the templates are read (Q_INIT_RESOURCE works outside namespaces).
static void registerTemplateResources() { Q_INIT_RESOURCE(torchwright); }

namespace torchwright::ui {

namespace {

const char *kEmptyObjectName = "template_empty";

QString resourcePath(const QString &key) { return QStringLiteral(":/templates/%1.json").arg(key); }

// The graph as a column of boxes in file order (the templates list their layers in order):
// layers with weights in the highlight colour, normalisation lighter, the rest grey; edges that
// skip layers (residual connections) as arcs on the right.
QPixmap graphPicture(const Project &p, const QPalette &palette)
{
    const int width = 72, height = 104;
    QPixmap pixmap(width, height);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    const auto &nodes = p.graph.nodes;
    const int n = std::max<int>(int(nodes.size()), 1);
    const qreal pitch = std::min<qreal>(12.0, qreal(height - 4) / n);
    const qreal box = std::max<qreal>(pitch - 2.0, 2.0);
    std::map<int, int> row;
    for (int i = 0; i < int(nodes.size()); ++i)
        row[nodes[size_t(i)].id.value] = i;
    const qreal top = (height - pitch * n) / 2.0;
    auto centre = [&](int i) { return top + pitch * i + box / 2.0; };
    const QColor weights = palette.color(QPalette::Highlight);
    for (int i = 0; i < int(nodes.size()); ++i) {
        const LayerType *type = LayerRegistry::instance().find(nodes[size_t(i)].type);
        const std::string category = type ? type->category : std::string();
        QColor fill = palette.color(QPalette::Mid);
        if (category == "Convolution" || category == "Linear" || category == "Sequence")
            fill = weights;
        else if (category == "Normalization")
            fill = weights.lighter(150);
        else if (category == "Input")
            fill = palette.color(QPalette::WindowText);
        painter.setPen(Qt::NoPen);
        painter.setBrush(fill);
        painter.drawRoundedRect(QRectF(8, top + pitch * i, 40, box), 2, 2);
    }
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(palette.color(QPalette::Text), 1.2));
    int arc = 0;
    for (const Edge &e : p.graph.edges) {
        const int from = row.count(e.from.node.value) ? row[e.from.node.value] : 0;
        const int to = row.count(e.to.node.value) ? row[e.to.node.value] : 0;
        if (to == from + 1)
            continue;
        const qreal x = 52 + 5 * (arc++ % 3);
        QPainterPath path(QPointF(48, centre(from)));
        path.lineTo(x, centre(from));
        path.lineTo(x, centre(to));
        path.lineTo(48, centre(to));
        painter.drawPath(path);
    }
    return pixmap;
}

// The empty project: a dashed card with a plus.
QPixmap emptyPicture(const QPalette &palette)
{
    QPixmap pixmap(72, 104);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(palette.color(QPalette::Mid), 1.5, Qt::DashLine));
    painter.drawRoundedRect(QRectF(8, 22, 40, 60), 4, 4);
    painter.setPen(QPen(palette.color(QPalette::Highlight), 3));
    painter.drawLine(QPointF(28, 40), QPointF(28, 64));
    painter.drawLine(QPointF(16, 52), QPointF(40, 52));
    return pixmap;
}

// "fashion-mnist" for a folder of files, the format's label for generated data; says when the
// files are not on this machine.
QString datasetText(const Project &p)
{
    const DatasetFormat *format = findDatasetFormat(p.dataset.kind);
    if (!format)
        return QString::fromStdString(p.dataset.kind);
    if (!format->needsPath)
        return TemplateGallery::tr("%1, needs no files").arg(QString::fromStdString(format->label));
    const QString folder = QFileInfo(QString::fromStdString(p.dataset.path)).fileName();
    if (!datasetFilesPresent(p))
        return TemplateGallery::tr("%1 (not found on this machine)").arg(folder);
    return folder;
}

} // namespace

std::vector<ProjectTemplate> projectTemplates()
{
    registerTemplateResources();
    std::vector<ProjectTemplate> all = {
        {QString(), TemplateGallery::tr("Empty project"),
         TemplateGallery::tr("An input and one layer on generated data: build your own network.")},
        {QStringLiteral("mlp"), TemplateGallery::tr("MLP"),
         TemplateGallery::tr("Fully connected layers that classify Fashion-MNIST: the simplest start.")},
        {QStringLiteral("cnn"), TemplateGallery::tr("CNN"),
         TemplateGallery::tr("The sample convolutional network: two convolution blocks and a classifier.")},
        {QStringLiteral("resnet"), TemplateGallery::tr("ResNet-style CNN"),
         TemplateGallery::tr("Residual blocks: convolutions whose input is added back by a skip connection.")},
        {QStringLiteral("gru"), TemplateGallery::tr("GRU sequence classifier"),
         TemplateGallery::tr("A recurrent layer reads sequences whose class only the order of their symbols decides.")},
        {QStringLiteral("transformer"), TemplateGallery::tr("Transformer encoder block"),
         TemplateGallery::tr("Multi-head self-attention and a feed-forward layer, each with a residual Add and "
                             "LayerNorm.")},
        {QStringLiteral("autoencoder"), TemplateGallery::tr("Convolutional autoencoder"),
         TemplateGallery::tr("Learns to rebuild its input (MSE, no labels); a classifier's Pretrain stage can then "
                             "load its encoder layers enc_conv1 and enc_conv2 by name.")},
    };
    // A template file the table does not know still shows, under its project's name.
    for (const QFileInfo &file : QDir(QStringLiteral(":/templates")).entryInfoList(QDir::Files, QDir::Name)) {
        const QString key = file.completeBaseName();
        const bool known =
            std::any_of(all.begin(), all.end(), [&key](const ProjectTemplate &t) { return t.key == key; });
        if (!known)
            all.push_back({key, key, QString()});
    }
    return all;
}

std::optional<Project> templateProject(const QString &key, QString *error)
{
    auto fail = [error](const QString &message) -> std::optional<Project> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    if (key.isEmpty())
        return fail(QString());
    registerTemplateResources();
    QFile file(resourcePath(key));
    if (!file.open(QIODevice::ReadOnly))
        return fail(TemplateGallery::tr("There is no template \"%1\".").arg(key));
    ProjectLoad load = parseProject(file.readAll().toStdString());
    if (!load.ok())
        return fail(
            TemplateGallery::tr("The template \"%1\" does not load:\n%2").arg(key, diagnosticsText(load.diagnostics)));
    // A new project: no file yet, so Save asks for a name, and the name follows the file.
    load.project.name = "Untitled";
    load.project.filePath.clear();
    // Laid out as the studio lays out graphs, so a template looks like any arranged project.
    const std::map<int, QPointF> at = autoLayout(load.project.graph);
    for (Node &n : load.project.graph.nodes) {
        n.x = at.at(n.id.value).x();
        n.y = at.at(n.id.value).y();
    }
    return load.project;
}

TemplateGallery::TemplateGallery(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("New project"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Start from an empty project or from a template. The new project is untitled: "
                                "Save asks where to keep it."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *grid = new QWidget(scroll);
    auto *cards = new QGridLayout(grid);
    cards->setSpacing(10);
    const int columns = 3;
    int i = 0;
    for (const ProjectTemplate &t : projectTemplates()) {
        QFrame *card = makeCard(t);
        cards->addWidget(card, i / columns, i % columns);
        m_cards.emplace_back(t.key, card);
        ++i;
    }
    for (int c = 0; c < columns; ++c)
        cards->setColumnStretch(c, 1);
    cards->setRowStretch((i + columns - 1) / columns, 1);
    scroll->setWidget(grid);
    layout->addWidget(scroll, 1);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);

    select(QString());
    resize(980, 560);
}

QFrame *TemplateGallery::makeCard(const ProjectTemplate &t)
{
    auto *card = new QFrame(this);
    card->setObjectName(t.key.isEmpty() ? QString::fromLatin1(kEmptyObjectName) : QStringLiteral("template_") + t.key);
    card->setFocusPolicy(Qt::StrongFocus);
    card->setCursor(Qt::PointingHandCursor);
    card->setMinimumWidth(280);
    card->installEventFilter(this);
    auto *row = new QHBoxLayout(card);
    row->setContentsMargins(10, 10, 10, 10);

    std::optional<Project> project = templateProject(t.key);
    auto *picture = new QLabel(card);
    picture->setObjectName(QStringLiteral("picture"));
    if (project)
        picture->setPixmap(graphPicture(*project, palette()));
    else
        picture->setPixmap(emptyPicture(palette()));
    picture->setFixedSize(72, 104);
    picture->setAlignment(Qt::AlignCenter);
    row->addWidget(picture, 0, Qt::AlignTop);

    auto *text = new QVBoxLayout;
    auto *title = new QLabel(t.title, card);
    title->setObjectName(QStringLiteral("title"));
    QFont bold = title->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.1);
    title->setFont(bold);
    text->addWidget(title);
    auto *description = new QLabel(t.description, card);
    description->setObjectName(QStringLiteral("description"));
    description->setWordWrap(true);
    text->addWidget(description);
    QString facts;
    if (project) {
        // Layers the user placed: the Input node is not counted.
        const int layers = int(project->graph.nodes.size()) - 1;
        facts =
            (layers == 1 ? tr("1 layer") : tr("%1 layers").arg(layers)) + QStringLiteral(" · ") + datasetText(*project);
    } else if (t.key.isEmpty()) {
        facts = tr("1 layer · generated data, needs no files");
    } else {
        facts = tr("does not load");
    }
    auto *meta = new QLabel(facts, card);
    meta->setObjectName(QStringLiteral("facts"));
    meta->setWordWrap(true);
    meta->setForegroundRole(QPalette::PlaceholderText);
    text->addWidget(meta);
    text->addStretch(1);
    row->addLayout(text, 1);
    for (QLabel *label : card->findChildren<QLabel *>())
        label->setAttribute(Qt::WA_TransparentForMouseEvents);
    return card;
}

QFrame *TemplateGallery::card(const QString &key) const
{
    for (const auto &[k, c] : m_cards)
        if (k == key)
            return c;
    return nullptr;
}

void TemplateGallery::select(const QString &key)
{
    if (!card(key))
        return;
    m_selected = key;
    updateCards();
}

void TemplateGallery::updateCards()
{
    for (const auto &[key, c] : m_cards) {
        const bool selected = key == m_selected;
        c->setStyleSheet(QStringLiteral("QFrame#%1 { border: %2px solid palette(%3); border-radius: 6px; "
                                        "background: palette(%4); }")
                             .arg(c->objectName())
                             .arg(selected ? 2 : 1)
                             .arg(selected ? QStringLiteral("highlight") : QStringLiteral("mid"))
                             .arg(selected ? QStringLiteral("alternate-base") : QStringLiteral("base")));
    }
}

bool TemplateGallery::eventFilter(QObject *watched, QEvent *event)
{
    for (const auto &[key, c] : m_cards) {
        if (c != watched)
            continue;
        switch (event->type()) {
        case QEvent::MouseButtonPress:
        case QEvent::FocusIn: select(key); break;
        case QEvent::MouseButtonDblClick:
            select(key);
            accept();
            return true;
        default: break;
        }
    }
    return QDialog::eventFilter(watched, event);
}

} // namespace torchwright::ui
