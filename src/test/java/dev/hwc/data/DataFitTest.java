package dev.hwc.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Each way a model and a dataset can fail to fit gives one line naming both sides, before any image is decoded. */
class DataFitTest {
  @TempDir Path dir;

  private DatasetFiles cifar() throws IOException {
    DatasetWriter.cifar10(dir.resolve("c"), DatasetFormatsTest.split("train", DatasetFormatsTest.RGB32, 10, 10),
        DatasetFormatsTest.split("test", DatasetFormatsTest.RGB32, 4, 10));
    return DatasetFiles.open(dir.resolve("c"), "fine");
  }

  @Test void aGreyModelOnColourImagesIsRefused() throws IOException {
    DatasetFiles d = cifar();
    var e = assertThrows(IllegalArgumentException.class,
        () -> DataFit.check(new ModelSignature("lenet5.zip", new ImageShape(1, 28, 28), 10, null), d));
    assertEquals("model lenet5.zip takes 1×28×28 images but CIFAR-10 binary " + dir.resolve("c") + " holds 3×32×32 images", e.getMessage());
  }

  @Test void anotherImageSizeIsRefused() throws IOException {
    DatasetFiles d = cifar();
    var e = assertThrows(IllegalArgumentException.class,
        () -> DataFit.check(new ModelSignature("net", new ImageShape(3, 64, 64), 10, null), d));
    assertEquals("model net takes 3×64×64 images but CIFAR-10 binary " + dir.resolve("c") + " holds 3×32×32 images", e.getMessage());
  }

  @Test void aModelWithMoreOutputsThanClassesIsRefused() throws IOException {
    DatasetFiles d = cifar();
    var e = assertThrows(IllegalArgumentException.class,
        () -> DataFit.check(new ModelSignature("net", new ImageShape(3, 32, 32), 100, null), d));
    assertEquals("model net has 100 outputs but CIFAR-10 binary " + dir.resolve("c") + " has 10 classes (labels 0..9)", e.getMessage());
  }

  @Test void aLabelBeyondTheModelsOutputsIsRefused() throws IOException {
    DatasetFiles d = cifar();
    var e = assertThrows(IllegalArgumentException.class,
        () -> DataFit.check(new ModelSignature("net", new ImageShape(3, 32, 32), 8, null), d));
    assertEquals("model net has 8 outputs but CIFAR-10 binary " + dir.resolve("c") + " has 10 classes (labels 0..9)", e.getMessage());
  }

  @Test void anImageFolderIsCheckedByChannelsAndClassFolders() throws IOException {
    DatasetWriter.imageFolder(dir.resolve("f"), List.of(DatasetFormatsTest.split("train", DatasetFormatsTest.RGB32, 10, 10),
        DatasetFormatsTest.split("test", DatasetFormatsTest.RGB32, 10, 10)), RgbFashion.CLASS_FOLDERS);
    DatasetFiles d = DatasetFiles.open(dir.resolve("f"), "fine");
    DataFit.check(new ModelSignature("net", new ImageShape(3, 224, 224), 10, null), d); // resized: any H×W fits
    var grey = assertThrows(IllegalArgumentException.class,
        () -> DataFit.check(new ModelSignature("net", new ImageShape(1, 28, 28), 10, null), d));
    assertEquals("model net takes 1×28×28 images but image folder " + dir.resolve("f") + " holds 3-channel images "
        + "(resized to the model's height and width, never converted between grey and colour)", grey.getMessage());
    var classes = assertThrows(IllegalArgumentException.class,
        () -> DataFit.check(new ModelSignature("net", new ImageShape(3, 32, 32), 1000, null), d));
    assertEquals("model net has 1000 outputs but image folder " + dir.resolve("f") + " has 10 classes (class folders)", classes.getMessage());
  }

  @Test void loadChecksTheFitBeforeReadingImages() throws IOException {
    cifar();
    var e = assertThrows(IllegalArgumentException.class, () -> DataSplits.load(new DataSettings(dir.resolve("c"), 2, 2, 1),
        new ModelSignature("net", new ImageShape(1, 32, 32), 10, null)));
    assertTrue(e.getMessage().startsWith("model net takes 1×32×32 images but CIFAR-10 binary"), e.getMessage());
  }
}
