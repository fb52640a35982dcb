"""What the pages say about `bp`, the baseline beside Forward-Forward."""

from fflab.experiment import Paper, Teaching

RUMELHART_1986 = Paper("D. E. Rumelhart, G. E. Hinton, R. J. Williams", 1986,
                       "Learning representations by back-propagating errors", "Nature 323:533-536",
                       "https://doi.org/10.1038/323533a0")

BP_TEACHING = Teaching(
    what="The same fully connected net, data and seed as Forward-Forward, trained end to end: one cross-entropy "
         "loss at the output, its error sent back down through every layer.",
    watch="on the Forward-Forward page, with **backprop baseline** on, its accuracy beside FF's: backprop "
          "usually gets there in fewer samples.",
    sources=(RUMELHART_1986,),
)
